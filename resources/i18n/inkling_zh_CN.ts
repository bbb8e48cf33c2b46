<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../gui/window/about.py" line="28"/>
        <source>&lt;h2&gt;Inkling&lt;/h2&gt;
&lt;p&gt;A local, offline writing assistant for fiction writers. Your text stays on this computer:
the model runs here, with no account, no cloud and no telemetry.&lt;/p&gt;
&lt;h3&gt;Bundled model&lt;/h3&gt;
&lt;p&gt;{0}, by Google DeepMind.&lt;/p&gt;
&lt;p&gt;{1}.&lt;/p&gt;
&lt;p&gt;Inkling itself is released under the Apache License 2.0. It uses llama.cpp (MIT),
PyTorch (BSD), Hugging Face transformers (Apache 2.0) and Qt for Python (LGPLv3).&lt;/p&gt;
</source>
        <translation>&lt;h2&gt;Inkling&lt;/h2&gt;
&lt;p&gt;为小说作者打造的本地离线写作助手。你的文字只留在这台电脑上：模型就在本机运行，不需要账号，不连云端，也不收集任何使用数据。&lt;/p&gt;
&lt;h3&gt;内置模型&lt;/h3&gt;
&lt;p&gt;{0}，由 Google DeepMind 发布。&lt;/p&gt;
&lt;p&gt;{1}。&lt;/p&gt;
&lt;p&gt;Inkling 本身以 Apache License 2.0 发布。它使用了 llama.cpp（MIT）、PyTorch（BSD）、Hugging Face transformers（Apache 2.0）和 Qt for Python（LGPLv3）。&lt;/p&gt;
</translation>
    </message>
    <message>
        <location filename="../../gui/window/about.py" line="47"/>
        <source>About Inkling</source>
        <translation>关于 Inkling</translation>
    </message>
    <message>
        <location filename="../../gui/window/about.py" line="50"/>
        <source>&lt;p&gt;Current model: {0}&lt;/p&gt;</source>
        <translation>&lt;p&gt;当前模型：{0}&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/window/about.py" line="52"/>
        <source>&lt;p&gt;Version {0}&lt;/p&gt;</source>
        <translation>&lt;p&gt;版本 {0}&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>AdaptersPanel</name>
    <message>
        <location filename="../../gui/models/adapters.py" line="32"/>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="33"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="34"/>
        <source>Learned from</source>
        <translation>学习材料</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="35"/>
        <source>Made</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="36"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="37"/>
        <source>Surprise (lower fits better)</source>
        <translation>意外度（越低越贴合）</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="45"/>
        <source>Your voices</source>
        <translation>你的文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="60"/>
        <source>How strongly the voice changes the model (100 %: as trained)</source>
        <translation>文风对模型的影响强度（100 %：按训练结果）</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="69"/>
        <source>Add Voice &amp;File…</source>
        <translation>添加文风文件(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="105"/>
        <source>This model cannot take a trained voice.</source>
        <translation>此模型无法使用训练好的文风。</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="127"/>
        <source>No voices yet: train one on your writing.</source>
        <translation>还没有文风：用你的文字训练一个吧。</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="173"/>
        <source>Rename voice</source>
        <translation>重命名文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="199"/>
        <source>Add a voice file</source>
        <translation>添加文风文件</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="201"/>
        <source>Voice files (LoRA adapters, *.gguf)</source>
        <translation>文风文件（LoRA 适配器，*.gguf）</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="54"/>
        <location filename="../../gui/models/adapters.py" line="142"/>
        <source>Switch &amp;On</source>
        <translation>启用(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="65"/>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="67"/>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="71"/>
        <source>&amp;Train on My Writing…</source>
        <translation>用我的文字训练(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="75"/>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="128"/>
        <source> Changes apply when this model is loaded.</source>
        <translation>更改会在载入此模型时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="142"/>
        <source>Switch &amp;Off</source>
        <translation>停用(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/models/adapters.py" line="173"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
</context>
<context>
    <name>AlternativesDialog</name>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="128"/>
        <source>Three alternatives</source>
        <translation>三个备选</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="139"/>
        <source>Use #{0}</source>
        <translation>采用第 {0} 个</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="140"/>
        <source>Write this one into the entry&apos;s empty fields</source>
        <translation>把这一版写进条目的空白栏</translation>
    </message>
</context>
<context>
    <name>AskController</name>
    <message>
        <location filename="../../gui/story/ask.py" line="188"/>
        <source>Open a story to ask it questions.</source>
        <translation>请先打开一部小说，再向它提问。</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="211"/>
        <source>The book could not be searched: {0}</source>
        <translation>无法检索全书：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="221"/>
        <source>&lt;i&gt;The model is summing up the passages…&lt;/i&gt;</source>
        <translation>&lt;i&gt;模型正在概括这些段落…&lt;/i&gt;</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="239"/>
        <source>That sentence is no longer in the scene.</source>
        <translation>这句话已不在该场景中。</translation>
    </message>
</context>
<context>
    <name>AskDock</name>
    <message>
        <location filename="../../gui/story/ask.py" line="58"/>
        <source>Ask the Book</source>
        <translation>问问这本书</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="64"/>
        <source>When did Anna first meet Marek?</source>
        <translation>安娜第一次见到马雷克是在什么时候？</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="66"/>
        <source>Ask</source>
        <translation>提问</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="71"/>
        <source>Let the model sum up in one sentence</source>
        <translation>让模型用一句话概括</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="76"/>
        <source>Ask about people, places and things in your book.</source>
        <translation>可以询问书中的人物、地点和事物。</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="101"/>
        <source>Looking through the book…</source>
        <translation>正在翻阅全书…</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="108"/>
        <source>{0}. Chapter {1}, scene {2}</source>
        <translation>{0}. 第 {1} 章，第 {2} 场</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/ask.py" line="118"/>
        <source>%n passage(s), best first. Click one to read it.</source>
        <translation>
            <numerusform>%n 段，最相关的在前。点击可阅读原文。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="127"/>
        <source>The question has no words to look for: name someone, a place or a thing.</source>
        <translation>问题里没有可查找的词：请说出一个人物、地点或事物。</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="129"/>
        <source>Nothing in the book matches that question.</source>
        <translation>书中没有与该问题相符的内容。</translation>
    </message>
    <message>
        <location filename="../../gui/story/ask.py" line="135"/>
        <source>&lt;i&gt;Generated from the passages below; check them:&lt;/i&gt; {0}</source>
        <translation>&lt;i&gt;根据下列段落生成，请核对：&lt;/i&gt;{0}</translation>
    </message>
</context>
<context>
    <name>Background</name>
    <message>
        <location filename="../../gui/models/dialogs.py" line="54"/>
        <source>Something went wrong: {0}</source>
        <translation>出了点问题：{0}</translation>
    </message>
</context>
<context>
    <name>BibleController</name>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="50"/>
        <source>The model is busy or not ready yet.</source>
        <translation>模型正忙，或尚未就绪。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="55"/>
        <source>Writing the entry…</source>
        <translation>正在编写条目…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="56"/>
        <source>Writing the entry… (Stop in the story bible, or Esc there)</source>
        <translation>正在编写条目…（在故事设定中点“停止”或按 Esc）</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="64"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/bible_generation.py" line="76"/>
        <source>Writing “{0}”… (fields done: %n)</source>
        <translation>
            <numerusform>正在写“{0}”…（已完成 %n 栏）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="95"/>
        <source>Stopped. What was written stays; Undo in the story bible takes it back.</source>
        <translation>已停止。已写的内容保留；在故事设定集中撤销即可收回。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="97"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="100"/>
        <source>The model gave this entry no name: type one in Name, or press ↻ beside it.</source>
        <translation>模型没有给这个条目起名字：请在“名字”中输入，或按旁边的 ↻。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="104"/>
        <source>The model wrote nothing new for this entry.</source>
        <translation>模型没有为这个条目写出新内容。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="106"/>
        <source>Generated. Undo in the story bible takes it back.</source>
        <translation>已生成。在故事设定集中撤销即可收回。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="108"/>
        <source>Generated.</source>
        <translation>已生成。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_generation.py" line="115"/>
        <source>Generation failed</source>
        <translation>生成失败</translation>
    </message>
</context>
<context>
    <name>BiblePanel</name>
    <message>
        <location filename="../../gui/story/bible_form.py" line="39"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="40"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="41"/>
        <source>Gender/pronouns</source>
        <translation>性别/代词</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="42"/>
        <source>Occupation</source>
        <translation>职业</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="43"/>
        <source>Appearance</source>
        <translation>外貌</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="44"/>
        <source>Personality</source>
        <translation>性格</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="45"/>
        <source>Backstory</source>
        <translation>身世</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="46"/>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="47"/>
        <source>Flaw</source>
        <translation>弱点</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="48"/>
        <source>Voice</source>
        <translation>说话方式</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="49"/>
        <source>Relationships</source>
        <translation>人物关系</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="50"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="51"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="52"/>
        <source>Secrets</source>
        <translation>秘密</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="53"/>
        <source>Connections</source>
        <translation>关联</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="112"/>
        <source>lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="114"/>
        <source>Generating leaves this field as it is, even when empty</source>
        <translation>生成时保留这一栏原样，即使它是空的</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="122"/>
        <source>Regenerate {0} only</source>
        <translation>只重新生成“{0}”</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="139"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_form.py" line="141"/>
        <source>Stop writing this entry (Esc); what is written stays</source>
        <translation>停止编写此条目（Esc）；已写的内容保留</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="234"/>
        <location filename="../../gui/story/bible.py" line="450"/>
        <location filename="../../gui/story/bible.py" line="465"/>
        <source>entry</source>
        <translation>条目</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="234"/>
        <source>Delete {0}</source>
        <translation>删除 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="56"/>
        <source>Story bible</source>
        <translation>故事设定集</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="79"/>
        <source>What the story is about</source>
        <translation>这个故事讲的是什么</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="81"/>
        <source>e.g. mystery, cozy fantasy</source>
        <translation>例如：悬疑、温馨奇幻</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="84"/>
        <source>Premise</source>
        <translation>故事梗概</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="85"/>
        <source>Genre</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="92"/>
        <source>New character</source>
        <translation>新建人物</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="94"/>
        <source>New place/thing</source>
        <translation>新建地点/物品</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="135"/>
        <source>Write the empty fields of the selected entry (a new character if none is selected). What is written stays; Undo takes the generated fields back.</source>
        <translation>写出所选条目的空白栏（未选条目时新建一个人物）。已写的内容保留；撤销可收回生成的栏目。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="142"/>
        <source>Three alternatives for the empty fields, side by side</source>
        <translation>空白栏的三个备选，并排显示</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="151"/>
        <source>Undo: {0}</source>
        <translation>撤销：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="320"/>
        <source>Rename {0} to {1}</source>
        <translation>把 {0} 改名为 {1}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="324"/>
        <source>“{0}” is now “{1}” in {2} too. Undo in the story bible takes it back.</source>
        <translation>“{0}”在{2}中也已改为“{1}”。在故事设定集中撤销即可收回。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="359"/>
        <source>Nothing to fill: every field of {0} is written or locked. Clear a field, or press ↻ beside it, to have it written again.</source>
        <translation>没有可填的栏：{0} 的每一栏都已写好或已锁定。清空某一栏，或按旁边的 ↻，即可重写。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="361"/>
        <source>this entry</source>
        <translation>这个条目</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="450"/>
        <source>Generate {0}</source>
        <translation>生成 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="466"/>
        <source>Use alternative #{0} for {1}</source>
        <translation>为 {1} 采用备选 #{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="132"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="140"/>
        <source>Generate 3</source>
        <translation>生成 3 个</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="145"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="147"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="163"/>
        <source>Wide View</source>
        <translation>宽视图</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="165"/>
        <source>The bible in a window of its own, with room</source>
        <translation>在单独的宽敞窗口中打开设定集</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="207"/>
        <source>Unnamed</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="116"/>
        <source>Add a character or a place to start.</source>
        <translation>先添加一个人物或地点。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible.py" line="480"/>
        <source>Imported {0}.</source>
        <translation>已导入 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="35"/>
        <source>Import card…</source>
        <translation>导入角色卡…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="38"/>
        <location filename="../../gui/story/bible_dialogs.py" line="100"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="42"/>
        <source>Character card (PNG)…</source>
        <translation>角色卡 (PNG)…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="45"/>
        <source>Character card (JSON)…</source>
        <translation>角色卡 (JSON)…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="48"/>
        <source>Entry as Markdown…</source>
        <translation>当前条目导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="51"/>
        <source>Whole bible as Markdown…</source>
        <translation>整部设定集导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="67"/>
        <source>Import character card</source>
        <translation>导入角色卡</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="69"/>
        <source>Character cards (*.png *.json)</source>
        <translation>角色卡 (*.png *.json)</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="77"/>
        <source>Card not imported: {0}</source>
        <translation>角色卡未能导入：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="92"/>
        <source>Select a character to export as a card.</source>
        <translation>请先选择要导出为角色卡的人物。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_dialogs.py" line="110"/>
        <source>Exported {0}.</source>
        <translation>已导出 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="77"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="79"/>
        <source>Make this draft an entry of your own, with these fields, to change as you like. Undo takes it back.</source>
        <translation>把这份草稿变成你自己的条目，带上这些栏目，随你修改。撤销即可收回。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="86"/>
        <source>Dismiss</source>
        <translation>舍弃</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="88"/>
        <source>Hide this draft and stop telling the model of it, for this story. Undo brings it back.</source>
        <translation>隐藏这份草稿，在本故事中不再告诉模型。撤销即可恢复。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="104"/>
        <source>Drafted from the book: named {0} times, first in chapter {1}.</source>
        <translation>根据书稿起草：书中提到 {0} 次，首次出现在第 {1} 章。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="108"/>
        <source>Drafted from the book, first named in chapter {0}.</source>
        <translation>根据书稿起草，首次出现在第 {0} 章。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="111"/>
        <source>The model is told of it, marked as a draft, until you keep it or dismiss it.</source>
        <translation>在你保留或舍弃之前，模型会得知它，并标明是草稿。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="196"/>
        <source>{0} · draft</source>
        <translation>{0} · 草稿</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="204"/>
        <source>Drafted from the book. The model is told of it, marked as a draft, until you keep it or dismiss it.</source>
        <translation>根据书稿起草。在你保留或舍弃之前，模型会得知它，并标明是草稿。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="248"/>
        <source>Keep {0}</source>
        <translation>保留 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="251"/>
        <source>“{0}” is an entry of your own now. Undo in the story bible takes it back.</source>
        <translation>“{0}”现在是你自己的条目了。在故事设定集中撤销即可收回。</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="267"/>
        <source>Dismiss the draft {0}</source>
        <translation>舍弃草稿 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/bible_drafts.py" line="270"/>
        <source>The draft “{0}” is dismissed: the model is no longer told of it. Undo in the story bible brings it back.</source>
        <translation>已舍弃草稿“{0}”：模型不会再得知它。在故事设定集中撤销即可恢复。</translation>
    </message>
</context>
<context>
    <name>BinderDock</name>
    <message>
        <location filename="../../gui/book/binder.py" line="41"/>
        <source>outline</source>
        <translation>大纲</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="42"/>
        <source>draft</source>
        <translation>初稿</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="43"/>
        <source>revised</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="44"/>
        <source>done</source>
        <translation>定稿</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="93"/>
        <source>Chapters and scenes</source>
        <translation>章节与场景</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="127"/>
        <source>comma, separated</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="129"/>
        <source>part this chapter belongs to</source>
        <translation>本章所属的部</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="133"/>
        <source>Draft synopsis</source>
        <translation>起草梗概</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="136"/>
        <source>Quick draft from the text</source>
        <translation>从正文快速起草</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="137"/>
        <source>Draft with the model</source>
        <translation>让模型起草</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="139"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="140"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="141"/>
        <source>Point of view</source>
        <translation>视角</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="142"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="143"/>
        <source>Part</source>
        <translation>部</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="144"/>
        <source>Synopsis</source>
        <translation>梗概</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/binder.py" line="187"/>
        <source>Trash (%n)</source>
        <translation>
            <numerusform>废纸篓（%n）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="217"/>
        <source>Continuity: see the Continuity panel</source>
        <translation>连贯性：请查看“连贯性”面板</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="228"/>
        <source>{0} (read-only)</source>
        <translation>{0}（只读）</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="230"/>
        <source>Read-only: {0}</source>
        <translation>只读：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="240"/>
        <source>Characters</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="240"/>
        <source>Words</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="388"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="388"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="399"/>
        <source>Moved to the trash. Ctrl+Z in the binder undoes it.</source>
        <translation>已移到废纸篓。在目录中按 Ctrl+Z 可撤销。</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="467"/>
        <source>History…</source>
        <translation>历史…</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="470"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="472"/>
        <source>Add chapter</source>
        <translation>添加章</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="473"/>
        <source>Add scene</source>
        <translation>添加场景</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="475"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="476"/>
        <source>Split scene at cursor</source>
        <translation>在光标处拆分场景</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="477"/>
        <source>Merge with next scene</source>
        <translation>与下一场景合并</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="478"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="479"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="482"/>
        <source>Move to trash</source>
        <translation>移到废纸篓</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="484"/>
        <source>Undo %s</source>
        <translation>撤销%s</translation>
    </message>
</context>
<context>
    <name>BinderTree</name>
    <message>
        <location filename="../../gui/book/binder.py" line="58"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gui/book/binder.py" line="58"/>
        <source>Words</source>
        <translation>字数</translation>
    </message>
</context>
<context>
    <name>BookController</name>
    <message>
        <location filename="../../gui/book/controller.py" line="125"/>
        <source>Zoom %+d</source>
        <translation>缩放 %+d</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="125"/>
        <source>Zoom reset</source>
        <translation>缩放已还原</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="173"/>
        <source>Turn this document into a story project?

Chapters and scenes live in a story project: a folder whose name ends in .inkling. Your text becomes chapter 1, scene 1, and the project is saved there at once.</source>
        <translation>把这份文档变成故事项目吗？

章和场景存放在故事项目里：一个名称以 .inkling 结尾的文件夹。你的文字会成为第 1 章第 1 个场景，项目会立即保存在那里。</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="183"/>
        <source>Read-only: {0}</source>
        <translation>只读：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="188"/>
        <source>This scene is read-only: {0}</source>
        <translation>此场景为只读：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="213"/>
        <source>characters</source>
        <translation>字</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="213"/>
        <source>words</source>
        <translation>词</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="225"/>
        <source>%1 %4 in this scene · %2 in the chapter · %3 in the book · %5 today</source>
        <translation>本场景 %1 %4 · 本章 %2 · 全书 %3 · 今日 %5</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="235"/>
        <source>{0:,} characters</source>
        <translation>{0:,} 字</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="236"/>
        <source>{0:,} words</source>
        <translation>{0:,} 词</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="268"/>
        <source>Undone: %s</source>
        <translation>已撤销：%s</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="268"/>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的操作。</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="284"/>
        <source>Goals belong to a story project (Save As a .inkling folder).</source>
        <translation>写作目标属于故事项目（请另存为 .inkling 文件夹）。</translation>
    </message>
    <message>
        <location filename="../../gui/book/controller.py" line="304"/>
        <source>Snapshots belong to the scenes of a story project.</source>
        <translation>快照属于故事项目中的场景。</translation>
    </message>
</context>
<context>
    <name>BookDetailsDialog</name>
    <message>
        <location filename="../../gui/book/new_project.py" line="63"/>
        <source>Title and author</source>
        <translation>书名与作者</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="67"/>
        <source>&amp;Title:</source>
        <translation>书名(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="68"/>
        <source>&amp;Author:</source>
        <translation>作者(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="75"/>
        <source>The title page of an exported book shows these.</source>
        <translation>导出的书的扉页会显示这些信息。</translation>
    </message>
</context>
<context>
    <name>BookTransfer</name>
    <message>
        <location filename="../../gui/book/transfer.py" line="131"/>
        <location filename="../../gui/book/transfer.py" line="167"/>
        <location filename="../../gui/book/transfer.py" line="194"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="133"/>
        <location filename="../../gui/book/transfer.py" line="190"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="143"/>
        <source>Export of chapters belongs to a story project.</source>
        <translation>按章节导出只适用于故事项目。</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="172"/>
        <source>Exporting to {0}…</source>
        <translation>正在导出到 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="206"/>
        <source>An import is already running.</source>
        <translation>已有一个导入正在进行。</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="212"/>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="228"/>
        <location filename="../../gui/book/transfer.py" line="274"/>
        <source>Cannot import</source>
        <translation>无法导入</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="258"/>
        <source>Writing {0}…</source>
        <translation>正在写入 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="288"/>
        <source>Import cancelled.</source>
        <translation>导入已取消。</translation>
    </message>
    <message>
        <location filename="../../gui/book/transfer.py" line="323"/>
        <source>Inkling could not import this file: {0}</source>
        <translation>Inkling 无法导入此文件：{0}</translation>
    </message>
</context>
<context>
    <name>BudgetsDialog</name>
    <message>
        <location filename="../../gui/story/context_view.py" line="285"/>
        <source>Context budgets</source>
        <translation>上下文配额</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="288"/>
        <source>Share of the model&apos;s context for each section (percent).</source>
        <translation>各部分占模型上下文的比例（百分比）。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="334"/>
        <source>{0:.0f} % (what the others leave)</source>
        <translation>{0:.0f}%（其余部分剩下的）</translation>
    </message>
</context>
<context>
    <name>ContextDock</name>
    <message>
        <location filename="../../gui/story/context_view.py" line="83"/>
        <source>What the model sees</source>
        <translation>模型看到的内容</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="93"/>
        <source>Memory: a few lines the model is told all through the book</source>
        <translation>记忆：全书写作中始终告诉模型的几行话</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="97"/>
        <source>e.g. Mara is a smuggler&apos;s daughter. The city floods every spring.</source>
        <translation>例如：玛拉是走私贩的女儿。这座城每年春天都会发大水。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="103"/>
        <location filename="../../gui/story/context_view.py" line="163"/>
        <source>Nothing has been asked of the model yet.</source>
        <translation>还没有向模型发出任何请求。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="105"/>
        <source>Budgets…</source>
        <translation>配额…</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="112"/>
        <source>Section</source>
        <translation>部分</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="112"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="112"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="150"/>
        <source>Open or create a story to keep memory.</source>
        <translation>打开或新建一个故事，才能保存记忆。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="187"/>
        <source>Last request: {0}{1} of {2} tokens</source>
        <translation>上次请求：{0}{1} / {2} 词元</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="54"/>
        <location filename="../../gui/story/context_view.py" line="238"/>
        <source>trimmed to fit</source>
        <translation>已截短以适应配额</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="50"/>
        <source>in</source>
        <translation>已放入</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="51"/>
        <source>pinned</source>
        <translation>已固定</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="52"/>
        <source>muted</source>
        <translation>已屏蔽</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="53"/>
        <source>left out: no room</source>
        <translation>未放入：没有空间</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="202"/>
        <source>about %n page(s) of your text before the cursor</source>
        <translation>
            <numerusform>光标前约 %n 页你的文字</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="204"/>
        <source>about half a page of your text before the cursor</source>
        <translation>光标前约半页你的文字</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="208"/>
        <source>the summaries of %n earlier chapter(s)</source>
        <translation>
            <numerusform>前面 %n 章的概要</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="211"/>
        <source>this chapter so far, in summary</source>
        <translation>本章到目前为止的概要</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="213"/>
        <source>%n character(s) and place(s) from the bible</source>
        <translation>
            <numerusform>故事设定中的 %n 个人物和地点</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="215"/>
        <source>%n passage(s) recalled from earlier</source>
        <translation>
            <numerusform>从前文找回的 %n 段文字</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="217"/>
        <source>your memory lines</source>
        <translation>你写的记忆条目</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="218"/>
        <source>The model saw {0}.</source>
        <translation>模型看到的是：{0}。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="240"/>
        <source>some left out</source>
        <translation>部分未放入</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="272"/>
        <source>Unpin</source>
        <translation>取消固定</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="272"/>
        <source>Pin: always include</source>
        <translation>固定：总是放入</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="274"/>
        <source>Unmute</source>
        <translation>取消屏蔽</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="274"/>
        <source>Mute: never include</source>
        <translation>屏蔽：从不放入</translation>
    </message>
</context>
<context>
    <name>ContinuationController</name>
    <message>
        <location filename="../../gui/editor/continuation.py" line="110"/>
        <source>The model is not ready yet.</source>
        <translation>模型尚未就绪。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="115"/>
        <source>Nothing to retry: continue first.</source>
        <translation>没有可重试的内容：请先续写。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="186"/>
        <source>Select a passage to rewrite.</source>
        <translation>请选择要改写的段落。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="208"/>
        <source>Version {0} of {1}</source>
        <translation>第 {0} 版，共 {1} 版</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="228"/>
        <source>This text is read-only: {0}</source>
        <translation>此文本为只读：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="246"/>
        <source>Writing… (Esc stops)</source>
        <translation>正在续写…（Esc 停止）</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="287"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="287"/>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/continuation.py" line="297"/>
        <source>Generation failed</source>
        <translation>生成失败</translation>
    </message>
</context>
<context>
    <name>ContinuityController</name>
    <message>
        <location filename="../../gui/story/continuity.py" line="285"/>
        <source>Open a story to check its continuity.</source>
        <translation>请先打开一部小说，再检查其连贯性。</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="325"/>
        <source>That sentence is no longer in the scene.</source>
        <translation>这句话已不在该场景中。</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="338"/>
        <source>The finding could not be dismissed: {0}</source>
        <translation>无法忽略此问题：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="352"/>
        <source>Added to {0} in the story bible.</source>
        <translation>已添加到故事设定中的“{0}”。</translation>
    </message>
</context>
<context>
    <name>ContinuityDock</name>
    <message>
        <location filename="../../gui/story/continuity.py" line="99"/>
        <source>Continuity</source>
        <translation>连贯性</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="104"/>
        <source>Open a story to check its continuity.</source>
        <translation>请先打开一部小说，再检查其连贯性。</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="106"/>
        <source>Check Now</source>
        <translation>立即检查</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="114"/>
        <source>Findings</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="115"/>
        <source>Facts</source>
        <translation>事实</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="116"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="117"/>
        <source>Never show this finding again for these quotes</source>
        <translation>对这些引文不再显示此问题</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="119"/>
        <source>Add to Bible</source>
        <translation>加入设定</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="120"/>
        <source>Write the chosen fact into its story bible entry</source>
        <translation>把选中的事实写入对应的故事设定条目</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="144"/>
        <source>Checking the book…</source>
        <translation>正在检查全书…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/continuity.py" line="151"/>
        <source>%n finding(s) to look at.</source>
        <translation>
            <numerusform>有 %n 个问题需要查看。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="153"/>
        <source>No contradictions found.</source>
        <translation>没有发现矛盾。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/continuity.py" line="155"/>
        <source>%n dismissed.</source>
        <translation>
            <numerusform>已忽略 %n 个。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="163"/>
        <source>The book could not be checked: {0}</source>
        <translation>无法检查全书：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="172"/>
        <source>Chapter {0}</source>
        <translation>第 {0} 章</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="201"/>
        <source>Story bible</source>
        <translation>故事设定</translation>
    </message>
    <message>
        <location filename="../../gui/story/continuity.py" line="203"/>
        <source>Chapter {0}, scene {1}</source>
        <translation>第 {0} 章，第 {1} 场</translation>
    </message>
</context>
<context>
    <name>DocumentController</name>
    <message>
        <location filename="../../gui/book/files.py" line="139"/>
        <location filename="../../gui/book/files.py" line="289"/>
        <location filename="../../gui/book/files.py" line="301"/>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="259"/>
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="247"/>
        <source>Opened with problems</source>
        <translation>打开时发现问题</translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="223"/>
        <source>Cannot create the project</source>
        <translation>无法创建项目</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/files.py" line="273"/>
        <source>…and %n more problem(s) like these.</source>
        <translation>
            <numerusform>……另有 %n 个类似的问题。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="319"/>
        <location filename="../../gui/book/files.py" line="341"/>
        <location filename="../../gui/book/files.py" line="455"/>
        <source>Save failed</source>
        <translation>保存失败</translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="321"/>
        <source>A story is saved as a folder whose name ends in .inkling. Use File → Export for a single .docx, .epub, .md or .txt file.</source>
        <translation>故事会保存为一个以 .inkling 结尾的文件夹。如需单个 .docx、.epub、.md 或 .txt 文件，请用“文件 → 导出”。</translation>
    </message>
    <message>
        <location filename="../../gui/book/recovery.py" line="36"/>
        <source>Autosave failed: {0}</source>
        <translation>自动保存失败：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/files.py" line="455"/>
        <source>{0}

You can save to another place.</source>
        <translation>{0}

你可以保存到别的位置。</translation>
    </message>
</context>
<context>
    <name>DownloadDialog</name>
    <message>
        <location filename="../../gui/models/dialogs.py" line="170"/>
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="173"/>
        <source>owner/repository</source>
        <translation>所有者/仓库</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="175"/>
        <source>model.Q4_K_M.gguf</source>
        <translation>model.Q4_K_M.gguf</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="177"/>
        <source>(optional; the hub&apos;s own checksum is used)</source>
        <translation>（可选；默认使用模型仓库自带的校验值）</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="181"/>
        <source>Downloads come from huggingface.co, only when you press Download.</source>
        <translation>只有在你点“下载”时，才会从 huggingface.co 下载。</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="184"/>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="186"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="189"/>
        <source>Repository</source>
        <translation>仓库</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="190"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="191"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="211"/>
        <source>Downloading {0}…</source>
        <translation>正在下载 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="247"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="260"/>
        <source>Downloaded and checked {0}.</source>
        <translation>{0} 已下载并校验。</translation>
    </message>
</context>
<context>
    <name>DraftDialog</name>
    <message>
        <location filename="../../gui/story/context_view.py" line="344"/>
        <source>Draft synopsis: {0}</source>
        <translation>梗概草稿：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="346"/>
        <source>Edit the draft, then use it, or discard it.</source>
        <translation>修改草稿后采用，或者放弃。</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="351"/>
        <source>Use this synopsis</source>
        <translation>采用这个梗概</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="353"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../gui/book/dialogs.py" line="200"/>
        <source>Export the book</source>
        <translation>导出全书</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="203"/>
        <source>Word (.docx)</source>
        <translation>Word (.docx)</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="204"/>
        <source>EPUB 3 (.epub)</source>
        <translation>EPUB 3 (.epub)</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="205"/>
        <source>Markdown (.md)</source>
        <translation>Markdown (.md)</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="206"/>
        <source>Plain text (.txt)</source>
        <translation>纯文本 (.txt)</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="211"/>
        <source>All chapters</source>
        <translation>全部章节</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="213"/>
        <source>All chapters, or a range such as 1-5 or 2,4 (of %n)</source>
        <translation>
            <numerusform>全部章节，或一个范围，如 1-5 或 2,4（共 %n 章）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="221"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="222"/>
        <source>Chapters</source>
        <translation>章节</translation>
    </message>
</context>
<context>
    <name>FindDock</name>
    <message>
        <location filename="../../gui/book/find.py" line="94"/>
        <source>Find and replace</source>
        <translation>查找与替换</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="104"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="106"/>
        <source>Replace with</source>
        <translation>替换为</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="107"/>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="108"/>
        <source>Whole words</source>
        <translation>全词匹配</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="109"/>
        <source>Regular expression</source>
        <translation>正则表达式</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="111"/>
        <source>This scene</source>
        <translation>本场景</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="111"/>
        <source>Whole book</source>
        <translation>全书</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="122"/>
        <source>Find all</source>
        <translation>全部查找</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="123"/>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="126"/>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="127"/>
        <location filename="../../gui/book/find.py" line="314"/>
        <source>Replace all</source>
        <translation>全部替换</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="189"/>
        <source>This text</source>
        <translation>此文本</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="201"/>
        <source>%n found</source>
        <translation>
            <numerusform>找到 %n 处</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="203"/>
        <source>in %n scene(s)</source>
        <translation>
            <numerusform>分布在 %n 个场景中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="295"/>
        <source>Replace %n match(es)</source>
        <translation>
            <numerusform>替换 %n 处匹配</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="297"/>
        <source>in %n scene(s)?</source>
        <translation>
            <numerusform>（共 %n 个场景）？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="243"/>
        <location filename="../../gui/book/find.py" line="292"/>
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="252"/>
        <source>This scene is read-only: {0}</source>
        <translation>此场景为只读：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/find.py" line="308"/>
        <source>Replaced %1.</source>
        <translation>已替换 %1 处。</translation>
    </message>
</context>
<context>
    <name>GenerationWorker</name>
    <message>
        <location filename="../../gui/worker.py" line="178"/>
        <source>{0} Inkling went back to {1}.</source>
        <translation>{0} Inkling 已改回使用 {1}。</translation>
    </message>
    <message>
        <location filename="../../gui/worker.py" line="211"/>
        <source>The model could not be loaded: {0}</source>
        <translation>无法载入模型：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/worker.py" line="263"/>
        <location filename="../../gui/worker.py" line="305"/>
        <source>No model is loaded yet.</source>
        <translation>还没有载入模型。</translation>
    </message>
    <message>
        <location filename="../../gui/worker.py" line="334"/>
        <source>Generation failed: {0}. Reloading the model.</source>
        <translation>生成失败：{0}。正在重新载入模型。</translation>
    </message>
    <message>
        <location filename="../../gui/worker.py" line="388"/>
        <source>{0} needs about {1} MB and {2} MB are free: sheets and continuations stay on the model that suggests.</source>
        <translation>{0} 大约需要 {1} MB 内存，目前只有 {2} MB 可用：人物卡和续写仍由负责提示的模型完成。</translation>
    </message>
</context>
<context>
    <name>GoalsDialog</name>
    <message>
        <location filename="../../gui/book/goals.py" line="73"/>
        <source>Goals and history</source>
        <translation>目标与记录</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="86"/>
        <source>Daily goal (words)</source>
        <translation>每日目标（字数）</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="89"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="87"/>
        <source>Book goal (words)</source>
        <translation>全书目标（字数）</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="86"/>
        <source>Daily goal (characters)</source>
        <translation>每日目标（字数）</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="87"/>
        <source>Book goal (characters)</source>
        <translation>全书目标（字数）</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="91"/>
        <source>Book</source>
        <translation>全书</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="92"/>
        <source>This session</source>
        <translation>本次写作</translation>
    </message>
    <message>
        <location filename="../../gui/book/goals.py" line="101"/>
        <source>Words written per day, last 30 days</source>
        <translation>最近 30 天每日字数</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../gui/book/history_view.py" line="40"/>
        <source>Taken by hand</source>
        <translation>手动保存</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="41"/>
        <source>Before a writing session&apos;s changes</source>
        <translation>本次写作改动之前</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="42"/>
        <source>Before a continuation</source>
        <translation>续写之前</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="43"/>
        <source>Before a rewrite</source>
        <translation>改写之前</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="44"/>
        <source>Before Replace All</source>
        <translation>全部替换之前</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="45"/>
        <source>Before restoring a version</source>
        <translation>恢复版本之前</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="93"/>
        <source>History of “{0}”</source>
        <translation>“{0}”的历史</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="129"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="129"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="129"/>
        <source>Words</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="129"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="135"/>
        <source>Changes, inline</source>
        <translation>改动（合并显示）</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="135"/>
        <source>Side by side</source>
        <translation>并排对照</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="135"/>
        <source>This version only</source>
        <translation>只看此版本</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="138"/>
        <source>Reading the history…</source>
        <translation>正在读取历史…</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="156"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="268"/>
        <source>%Ln character(s) then,</source>
        <translation>
            <numerusform>当时 %Ln 字，</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="270"/>
        <source>%Ln word(s) then,</source>
        <translation>
            <numerusform>当时 %Ln 词，</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="272"/>
        <source>%Ln change(s) since.</source>
        <translation>
            <numerusform>此后有 %Ln 处改动。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="274"/>
        <source>Struck through: only in the snapshot. Underlined: only in the scene now.</source>
        <translation>删除线：只在快照中。下划线：只在现在的场景中。</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="98"/>
        <source>Take Snapshot…</source>
        <translation>保存快照…</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="99"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="101"/>
        <source>Copies the selected words, or this whole version when nothing is selected.</source>
        <translation>复制选中的文字；没有选中时复制整个版本。</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="103"/>
        <source>Restore This Version</source>
        <translation>恢复此版本</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="105"/>
        <source>The scene&apos;s current text is kept as a snapshot first; Undo takes it back.</source>
        <translation>场景当前的文字会先保存为快照；撤销即可还原。</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="194"/>
        <source>No snapshots of this scene yet. One is taken before the model changes it, at the first change in each writing session, and whenever you take one.</source>
        <translation>此场景还没有快照。模型改动场景之前、每次写作中的第一次改动时，以及你手动保存时，都会保存一份。</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="219"/>
        <source>Comparing…</source>
        <translation>正在比较…</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="247"/>
        <source>This snapshot cannot be read: {0}</source>
        <translation>无法读取此快照：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="279"/>
        <source>The scene reads exactly like this version.</source>
        <translation>场景与此版本完全相同。</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="321"/>
        <source>Take snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="321"/>
        <source>A name for this version (optional):</source>
        <translation>为此版本命名（可不填）：</translation>
    </message>
    <message>
        <location filename="../../gui/book/history_view.py" line="326"/>
        <source>Snapshot</source>
        <translation>快照</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../gui/book/dialogs.py" line="33"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="79"/>
        <source>Import %s</source>
        <translation>导入 %s</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="96"/>
        <source>A preset, or a regular expression matching a heading line</source>
        <translation>预设，或匹配标题行的正则表达式</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="99"/>
        <source>Chapter</source>
        <translation>章</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="99"/>
        <source>Scenes</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="99"/>
        <source>Words</source>
        <translation>字数</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="112"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="116"/>
        <source>Chapters start at</source>
        <translation>章节起始于</translation>
    </message>
    <message>
        <location filename="../../gui/book/dialogs.py" line="144"/>
        <source>Looking for chapters…</source>
        <translation>正在查找章节…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="188"/>
        <source>…and %n more chapter(s)</source>
        <translation>
            <numerusform>……另有 %n 章</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="191"/>
        <source>%n chapter(s).</source>
        <translation>
            <numerusform>%n 章。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Keeping</name>
    <message>
        <location filename="../../gui/book/keeping.py" line="155"/>
        <source>Snapshot not kept: {0}</source>
        <translation>快照未保存：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="159"/>
        <source>Snapshot taken.</source>
        <translation>快照已保存。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="159"/>
        <source>Nothing to snapshot.</source>
        <translation>没有需要保存的内容。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="165"/>
        <source>Snapshots belong to the scenes of a story project.</source>
        <translation>快照属于故事项目中的场景。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="168"/>
        <source>Take snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="168"/>
        <source>A name for this version (optional):</source>
        <translation>为此版本命名（可不填）：</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="174"/>
        <source>Snapshot</source>
        <translation>快照</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="215"/>
        <source>Restore the scene from the trash first, then its version.</source>
        <translation>请先把场景从废纸篓中恢复，再恢复它的版本。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="223"/>
        <source>The scene already reads like this version.</source>
        <translation>场景已经和此版本相同。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="230"/>
        <source>Version restored (Undo takes it back).</source>
        <translation>版本已恢复（撤销即可还原）。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="245"/>
        <location filename="../../gui/book/keeping.py" line="296"/>
        <source>Backups are made of story projects.</source>
        <translation>备份针对故事项目。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="247"/>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="266"/>
        <source>Backed up to {0} ({1}).</source>
        <translation>已备份到 {0}（{1}）。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="273"/>
        <source>Backup failed: {0}</source>
        <translation>备份失败：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="276"/>
        <source>Backup failed</source>
        <translation>备份失败</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="277"/>
        <source>{0}

Your project is untouched; keep writing.</source>
        <translation>{0}

你的项目没有改动，可以继续写作。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="299"/>
        <source>Backup folder for {0}</source>
        <translation>{0} 的备份文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="307"/>
        <source>Backups of this story go to {0}.</source>
        <translation>此故事的备份将保存到 {0}。</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="319"/>
        <source>Restoring {0}…</source>
        <translation>正在恢复 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="325"/>
        <source>Not restored: {0}</source>
        <translation>未恢复：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="326"/>
        <source>Restore failed</source>
        <translation>恢复失败</translation>
    </message>
    <message>
        <location filename="../../gui/book/keeping.py" line="329"/>
        <source>Restored into {0}; the project you had open was not changed.</source>
        <translation>已恢复到 {0}；你打开的项目没有改动。</translation>
    </message>
</context>
<context>
    <name>LicenceDialog</name>
    <message>
        <location filename="../../gui/models/chooser.py" line="62"/>
        <source>Licence of {0}</source>
        <translation>{0} 的许可协议</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="66"/>
        <source>{0} is provided under the {1}. Read it at {2}. To download the model you must accept its terms.</source>
        <translation>{0} 按照 {1} 提供。协议全文见 {2}。下载该模型前须接受其条款。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="79"/>
        <source>I &amp;accept</source>
        <translation>我接受(&amp;A)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../gui/window/main_window.py" line="78"/>
        <source>Inkling</source>
        <translation>Inkling</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="117"/>
        <source>Settings were reset</source>
        <translation>设置已重置</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="281"/>
        <source>Settings not saved: {0}</source>
        <translation>设置未能保存：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="39"/>
        <source>The model could not be loaded</source>
        <translation>无法载入模型</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="40"/>
        <source>{0} is loaded.</source>
        <translation>{0} 已载入。</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="41"/>
        <source>Suggestion failed: {0}</source>
        <translation>建议生成失败：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="42"/>
        <source>The built-in model is small. A better one may suit this computer.</source>
        <translation>内置模型很小。这台电脑也许能用更好的模型。</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="45"/>
        <source>See Better Models</source>
        <translation>查看更好的模型</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="46"/>
        <source>{0} writes sheets, continuations and rewrites; suggestions stay as they were.</source>
        <translation>{0} 负责写人物卡、续写和改写；输入提示保持不变。</translation>
    </message>
    <message>
        <location filename="../../gui/window/model_status.py" line="49"/>
        <source>The model chosen for generation cannot be used ({0}); the model that suggests writes everything.</source>
        <translation>选来负责生成的模型无法使用（{0}）；全部由负责提示的模型完成。</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="318"/>
        <source>the system&apos;s language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="320"/>
        <source>The interface will be in {0} from the next start. Restart Inkling now?</source>
        <translation>下次启动时界面将使用{0}。现在重新启动 Inkling 吗？</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="322"/>
        <source>Restart Now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="322"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="323"/>
        <source>The new language applies at the next start.</source>
        <translation>新的语言将在下次启动时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="417"/>
        <location filename="../../gui/window/session.py" line="67"/>
        <source>The story&apos;s style was not understood: {0}</source>
        <translation>无法识别这个故事的文风设置：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="427"/>
        <source>{0}[*] — Inkling</source>
        <translation>{0}[*] — Inkling</translation>
    </message>
    <message>
        <location filename="../../gui/window/main_window.py" line="437"/>
        <source>Story details belong to a story project: use Save As and a name ending in .inkling.</source>
        <translation>故事信息属于故事项目：请用“另存为”，并以 .inkling 结尾命名。</translation>
    </message>
    <message>
        <location filename="../../gui/window/about.py" line="103"/>
        <source>none loaded</source>
        <translation>未载入</translation>
    </message>
</context>
<context>
    <name>MemoryController</name>
    <message>
        <location filename="../../gui/story/memory.py" line="201"/>
        <source>Pinned: the next request includes it.</source>
        <translation>已固定：下次请求会放入它。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="201"/>
        <source>Unpinned.</source>
        <translation>已取消固定。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="209"/>
        <source>Muted: the model will not be told this.</source>
        <translation>已屏蔽：不会再告诉模型这一项。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="209"/>
        <source>Unmuted.</source>
        <translation>已取消屏蔽。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="237"/>
        <source>There is no text to summarise yet.</source>
        <translation>还没有可以概括的文字。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="243"/>
        <source>Wait for the continuation to finish first.</source>
        <translation>请等续写完成。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="249"/>
        <source>The model is drafting a synopsis…</source>
        <translation>模型正在起草梗概…</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="260"/>
        <source>The model wrote no synopsis; try the quick draft.</source>
        <translation>模型没有写出梗概；试试快速起草。</translation>
    </message>
    <message>
        <location filename="../../gui/story/memory.py" line="265"/>
        <source>No draft synopsis: {0}</source>
        <translation>没有梗概草稿：{0}</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <location filename="../../gui/window/menu_table.py" line="180"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="182"/>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="184"/>
        <source>New &amp;Project…</source>
        <translation>新建项目(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="188"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="189"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="190"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="191"/>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="192"/>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="195"/>
        <source>&amp;Import Manuscript…</source>
        <translation>导入书稿(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="199"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="202"/>
        <source>&amp;Book (Word, EPUB, Markdown, text)…</source>
        <translation>全书（Word、EPUB、Markdown、纯文本）(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="207"/>
        <source>As &amp;Markdown…</source>
        <translation>导出为 Markdown(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="211"/>
        <source>As &amp;Plain Text…</source>
        <translation>导出为纯文本(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="231"/>
        <source>Back &amp;Up Now</source>
        <translation>立即备份(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="237"/>
        <source>Restore from Bac&amp;kup…</source>
        <translation>从备份恢复(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="239"/>
        <source>Backup &amp;Folder…</source>
        <translation>备份文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="219"/>
        <source>Story &amp;Details…</source>
        <translation>故事信息(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="152"/>
        <source>Get a &amp;Better Model…</source>
        <translation>获取更好的模型(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="167"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="221"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="251"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="254"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="260"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="266"/>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="267"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="268"/>
        <source>Pa&amp;ste</source>
        <translation>粘贴(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="270"/>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="277"/>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="280"/>
        <source>Find in &amp;Book…</source>
        <translation>在全书中查找(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="287"/>
        <source>Find and &amp;Replace…</source>
        <translation>查找与替换(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="293"/>
        <source>&amp;Preferences…</source>
        <translation>偏好设置(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="33"/>
        <source>Suggestions</source>
        <translation>写作提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="385"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="143"/>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="164"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="390"/>
        <source>What the &amp;Model Sees</source>
        <translation>模型看到的内容(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="393"/>
        <source>&amp;Continuity</source>
        <translation>连贯性(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="394"/>
        <source>&amp;Ask the Book</source>
        <translation>问问这本书(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="396"/>
        <source>&amp;Focus Mode</source>
        <translation>专注模式(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="398"/>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="400"/>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="401"/>
        <source>&amp;Reset Zoom</source>
        <translation>还原缩放(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="404"/>
        <source>Read the &amp;Whole Book</source>
        <translation>通读全书(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="418"/>
        <source>&amp;Book</source>
        <translation>书稿(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="29"/>
        <source>Open a story project, or use New Chapter to turn this text into one.</source>
        <translation>请打开一个故事项目，或用“新建章”把这段文字变成故事项目。</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="420"/>
        <source>New &amp;Chapter</source>
        <translation>新建章(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="421"/>
        <source>New &amp;Scene</source>
        <translation>新建场景(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="423"/>
        <source>S&amp;plit Scene at Cursor</source>
        <translation>在光标处拆分场景(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="430"/>
        <source>&amp;Merge with Next Scene</source>
        <translation>与下一场景合并(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="436"/>
        <source>&amp;Undo Binder Change</source>
        <translation>撤销目录改动(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="443"/>
        <source>Take S&amp;napshot…</source>
        <translation>保存快照(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="450"/>
        <source>Scene &amp;History…</source>
        <translation>场景历史(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="457"/>
        <source>&amp;Goals and History…</source>
        <translation>目标与记录(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="309"/>
        <source>&amp;Continue writing</source>
        <translation>续写(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="316"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="318"/>
        <source>&amp;Retry</source>
        <translation>重写(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="320"/>
        <source>&amp;Previous version</source>
        <translation>上一版本(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="326"/>
        <source>&amp;Next version</source>
        <translation>下一版本(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="332"/>
        <source>Re&amp;write selection</source>
        <translation>改写选中文字(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="347"/>
        <source>Suggestions as you &amp;type</source>
        <translation>边写边提示(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="146"/>
        <source>&amp;Manage Models…</source>
        <translation>管理模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="157"/>
        <source>&amp;Train on My Writing…</source>
        <translation>用我的文字训练(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="171"/>
        <source>&amp;About Inkling</source>
        <translation>关于 Inkling(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="306"/>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="344"/>
        <source>&amp;Suggest</source>
        <translation>提示(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="354"/>
        <source>Suggest &amp;now</source>
        <translation>立即提示(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="359"/>
        <source>&amp;Accept suggestion</source>
        <translation>接受提示(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="364"/>
        <source>Accept next &amp;word</source>
        <translation>接受下一个词(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="369"/>
        <source>&amp;Next alternative</source>
        <translation>下一个备选(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../gui/window/menu_table.py" line="374"/>
        <source>&amp;Previous alternative</source>
        <translation>上一个备选(&amp;P)</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../gui/common/messages.py" line="20"/>
        <source>{name} looks like a binary file, not text; it was not opened.</source>
        <translation>{name} 看起来是二进制文件，不是文本；没有打开。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="21"/>
        <source>{name} does not exist (was it moved or deleted?).</source>
        <translation>{name} 不存在（是否被移动或删除了？）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="22"/>
        <source>{name} is a folder.</source>
        <translation>{name} 是一个文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="23"/>
        <source>Inkling is not allowed to read {name}.</source>
        <translation>Inkling 没有读取 {name} 的权限。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="24"/>
        <source>Could not read {name}: {reason}.</source>
        <translation>无法读取 {name}：{reason}。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="25"/>
        <source>{name} is {size} MB; Inkling opens texts up to {limit} MB.</source>
        <translation>{name} 有 {size} MB；Inkling 最多打开 {limit} MB 的文本。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="26"/>
        <source>{name} is not valid UTF-8 (first bad byte at offset {offset}). Open it as {encodings}, or with replacement characters?</source>
        <translation>{name} 不是有效的 UTF-8 编码（第一个错误字节在偏移 {offset} 处）。要按 {encodings} 打开，还是用替换字符打开？</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="31"/>
        <source>Some characters cannot be written as {encoding}; save as UTF-8 instead.</source>
        <translation>有些字符无法用 {encoding} 编码保存；请改存为 UTF-8。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="34"/>
        <source>Could not save {name}: {reason}. The previous version is unchanged.</source>
        <translation>无法保存 {name}：{reason}。之前的版本没有改动。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="37"/>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="38"/>
        <source>the disk quota is used up</source>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="39"/>
        <source>Inkling is not allowed to write there</source>
        <translation>Inkling 没有在那里写入的权限</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="40"/>
        <source>the disk is read-only</source>
        <translation>磁盘是只读的</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="41"/>
        <source>the folder no longer exists</source>
        <translation>文件夹已不存在</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="42"/>
        <source>Choose where to save first.</source>
        <translation>请先选择保存位置。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="43"/>
        <source>{name} is open in another Inkling window (process {pid}).</source>
        <translation>{name} 已在另一个 Inkling 窗口中打开（进程 {pid}）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="46"/>
        <source>A stale lock on {name} was cleared (Inkling had stopped).</source>
        <translation>{name} 上遗留的锁已清除（Inkling 上次未正常退出）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="47"/>
        <source>The chosen model is gone; using the bundled one.</source>
        <translation>所选模型已不存在；改用内置模型。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="44"/>
        <source>{name} is being edited on {host}; close it there first.</source>
        <translation>{name} 正在 {host} 上编辑；请先在那里关闭它。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="45"/>
        <source>{name} is not an Inkling story (no story.toml).</source>
        <translation>{name} 不是 Inkling 故事（没有 story.toml）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="48"/>
        <source>{name} is not a GGUF model file (wrong header).</source>
        <translation>{name} 不是 GGUF 模型文件（文件头不对）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="49"/>
        <source>{name} is a folder, not a GGUF model file.</source>
        <translation>{name} 是文件夹，不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="50"/>
        <source>Inkling needs at least {needed} words of your writing to learn your voice; these texts have {words}.</source>
        <translation>Inkling 至少需要你写的 {needed} 字才能学习你的文风；这些文字只有 {words} 字。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="56"/>
        <source>{name} is not an ordinary file (it is a device, a pipe or a socket); it was not read.</source>
        <translation>{name} 不是普通文件（而是设备、管道或套接字）；没有读取。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="60"/>
        <source>{name} is larger than {limit}, the most Inkling reads for this kind of file; it was not read.</source>
        <translation>{name} 大于 {limit}，这是 Inkling 对这类文件读取的上限；没有读取。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="65"/>
        <source>{name} nests deeper than {depth} levels; it was not read.</source>
        <translation>{name} 的嵌套超过 {depth} 层；没有读取。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="66"/>
        <source>{name} leads outside {folder}; Inkling never reads or writes there.</source>
        <translation>{name} 指向 {folder} 之外；Inkling 从不在那里读写。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="69"/>
        <source>{name} is a link Inkling does not follow.</source>
        <translation>{name} 是一个链接，Inkling 不会跟随。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="70"/>
        <source>Voice adapters are not available through a server: its model runs elsewhere.</source>
        <translation>通过服务器使用的模型不能加载文风适配器：它的模型在别处运行。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="75"/>
        <source>The backup folder {folder} does not exist (is its drive connected?). Nothing was written.</source>
        <translation>备份文件夹 {folder} 不存在（它所在的磁盘连接了吗？）。没有写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="79"/>
        <source>The backup folder {folder} is not a folder.</source>
        <translation>备份位置 {folder} 不是文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="80"/>
        <source>The backup folder {folder} cannot be written to; choose another in File → Backup Folder.</source>
        <translation>无法写入备份文件夹 {folder}；请在“文件 → 备份文件夹”中另选一个。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="84"/>
        <source>The backup folder {folder} cannot be written to; the backup was not written.</source>
        <translation>无法写入备份文件夹 {folder}；没有写入备份。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="87"/>
        <source>The disk holding {folder} is full; the backup was not written.</source>
        <translation>{folder} 所在的磁盘已满；没有写入备份。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="88"/>
        <source>The backup was not written: {reason}</source>
        <translation>没有写入备份：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="89"/>
        <source>{name} is not a readable zip file ({reason}).</source>
        <translation>{name} 不是可读取的 zip 文件（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="90"/>
        <source>{name} is not an Inkling backup (it holds no story.toml).</source>
        <translation>{name} 不是 Inkling 备份（其中没有 story.toml）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="91"/>
        <source>{name} is damaged: {entry} fails its check ({reason}).</source>
        <translation>{name} 已损坏：{entry} 未通过校验（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="92"/>
        <source>{name} is damaged: {entry} cannot be read ({reason}).</source>
        <translation>{name} 已损坏：无法读取 {entry}（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="93"/>
        <source>{target} already exists; restore into a new folder.</source>
        <translation>{target} 已存在；请恢复到一个新文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="94"/>
        <source>{name} holds {entry}, a name leading outside the folder it is restored into; it was not restored.</source>
        <translation>{name} 含有 {entry}，这个名称会指向恢复目标文件夹之外；没有恢复。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="99"/>
        <source>{name} holds {entry}, which is a link or special file; it was not restored.</source>
        <translation>{name} 含有 {entry}，它是链接或特殊文件；没有恢复。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="103"/>
        <source>This snapshot is damaged ({reason}).</source>
        <translation>此快照已损坏（{reason}）。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="104"/>
        <source>This snapshot is damaged: its text does not match its checksum.</source>
        <translation>此快照已损坏：文字与校验和不符。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="107"/>
        <source>The text this snapshot starts from is missing.</source>
        <translation>此快照所依据的文字缺失。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="108"/>
        <source>The text this snapshot starts from is damaged.</source>
        <translation>此快照所依据的文字已损坏。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="109"/>
        <source>{count} snapshot(s) of this scene could not be read (damaged lines in its history file); the others are shown.</source>
        <translation>此场景有 {count} 个快照无法读取（历史文件中有损坏的行）；其余的照常显示。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="114"/>
        <source>Could not keep a snapshot: {reason}</source>
        <translation>无法保存快照：{reason}</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="116"/>
        <source>No chapter headings were found: the text is one chapter.</source>
        <translation>没有找到章节标题：全文作为一章。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="117"/>
        <source>The text before the first heading became a chapter called “Opening”.</source>
        <translation>第一个标题之前的文字成为名为“开篇”的一章。</translation>
    </message>
    <message>
        <location filename="../../gui/common/messages.py" line="120"/>
        <source>Hard-wrapped lines were joined into paragraphs.</source>
        <translation>硬换行的行已合并成段落。</translation>
    </message>
</context>
<context>
    <name>ModelCard</name>
    <message>
        <location filename="../../gui/models/cards.py" line="35"/>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="36"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="105"/>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="107"/>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="110"/>
        <source>Use for &amp;suggestions</source>
        <translation>用于输入提示(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="112"/>
        <source>Use for &amp;generation</source>
        <translation>用于生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="143"/>
        <source>★ Recommended for you</source>
        <translation>★ 为你推荐</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="147"/>
        <source> (you accept it before the download)</source>
        <translation>（下载前需接受）</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="148"/>
        <source>Licence: {0}{1}</source>
        <translation>许可：{0}{1}</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="157"/>
        <source>size unknown</source>
        <translation>大小未知</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="160"/>
        <source>memory needed unknown</source>
        <translation>所需内存未知</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="162"/>
        <source>needs {0} of memory</source>
        <translation>需要 {0} 内存</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="164"/>
        <source>needs about {0} of memory</source>
        <translation>约需 {0} 内存</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="171"/>
        <source>follows instructions</source>
        <translation>能听从指令</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="171"/>
        <source>base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="172"/>
        <source>Size {0} · {1} · {2} · {3}</source>
        <translation>大小 {0} · {1} · {2} · {3}</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="178"/>
        <source>Checking this computer…</source>
        <translation>正在检查这台电脑…</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="182"/>
        <source>Too big for this computer&apos;s memory</source>
        <translation>对这台电脑的内存来说太大</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="184"/>
        <source>Runs slowly on this computer, about {0} words a second</source>
        <translation>在这台电脑上运行较慢，每秒约 {0} 个词</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="186"/>
        <source>Runs well on this computer, about {0} words a second</source>
        <translation>在这台电脑上运行流畅，每秒约 {0} 个词</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="188"/>
        <source>measuring…</source>
        <translation>测量中…</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="188"/>
        <source>speed not measured yet</source>
        <translation>尚未测量速度</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="189"/>
        <source>Fits this computer&apos;s memory; {0}</source>
        <translation>内存足够；{0}</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="190"/>
        <source>Size unknown, so how well it runs is unknown</source>
        <translation>大小未知，因此无法判断运行情况</translation>
    </message>
    <message>
        <location filename="../../gui/models/cards.py" line="231"/>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
</context>
<context>
    <name>ModelChooserDialog</name>
    <message>
        <location filename="../../gui/models/chooser.py" line="111"/>
        <source>Get a Better Model</source>
        <translation>获取更好的模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="149"/>
        <source>Checking this computer…</source>
        <translation>正在检查这台电脑…</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="153"/>
        <source>&amp;Measure Again</source>
        <translation>重新测量(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="237"/>
        <source>Waiting for the model to finish writing…</source>
        <translation>正在等待模型写完…</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="240"/>
        <location filename="../../gui/models/chooser.py" line="292"/>
        <source>Measuring this computer…</source>
        <translation>正在测量这台电脑…</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="283"/>
        <source>This computer: {0} of memory, {1} cores{2}.</source>
        <translation>这台电脑：{0} 内存，{1} 个核心{2}。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="286"/>
        <source>, a graphics card llama.cpp can use</source>
        <translation>，有 llama.cpp 可用的显卡</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="295"/>
        <source>Speed not measured yet; the list goes by memory only.</source>
        <translation>尚未测量速度；列表仅按内存判断。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="297"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/models/chooser.py" line="297"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="298"/>
        <source>Speeds estimated from a measurement of this computer ({0}).</source>
        <translation>速度根据对这台电脑的测量估算（{0}）。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="322"/>
        <source>Starting the download…</source>
        <translation>正在开始下载…</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="353"/>
        <source>{0} downloaded</source>
        <translation>已下载 {0}</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="355"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="359"/>
        <source>{0} · {1}/s · about {2} left</source>
        <translation>{0} · {1}/秒 · 约剩 {2}</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="367"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="370"/>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="371"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="376"/>
        <source>Downloaded and checked. Use it for:</source>
        <translation>已下载并校验。用于：</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="377"/>
        <source>{0} is ready.</source>
        <translation>{0} 已就绪。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="389"/>
        <source>Paused. The part downloaded is kept; Download resumes it.</source>
        <translation>已暂停。已下载的部分会保留；再次下载即可继续。</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="408"/>
        <source>Loading {0} for suggestions…</source>
        <translation>正在加载 {0} 用于输入提示…</translation>
    </message>
    <message>
        <location filename="../../gui/models/chooser.py" line="412"/>
        <source>{0} will write character sheets and continuations.</source>
        <translation>{0} 将负责写人物卡和续写。</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../../gui/models/manager.py" line="38"/>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="42"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="43"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="44"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="45"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="46"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="47"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="48"/>
        <source>Licence</source>
        <translation>许可</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="49"/>
        <source>Prompt</source>
        <translation>提示格式</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="62"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="71"/>
        <source>&amp;Use This Model</source>
        <translation>使用此模型(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="73"/>
        <source>Add &amp;GGUF File…</source>
        <translation>添加 GGUF 文件(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="75"/>
        <source>Add &amp;Folder…</source>
        <translation>添加文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="77"/>
        <source>Add &amp;Server…</source>
        <translation>添加服务器(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="79"/>
        <source>&amp;Download…</source>
        <translation>下载(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="81"/>
        <source>Get a &amp;Better Model…</source>
        <translation>获取更好的模型(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="83"/>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="85"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="178"/>
        <source>Loading {0}…</source>
        <translation>正在载入 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="186"/>
        <source>Add a GGUF model</source>
        <translation>添加 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="188"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="197"/>
        <source>Add a transformers model folder</source>
        <translation>添加 transformers 模型文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="205"/>
        <source>Checking {0}…</source>
        <translation>正在检查 {0}…</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="208"/>
        <source>This model cannot be added</source>
        <translation>无法添加此模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="215"/>
        <source>The model list could not be saved</source>
        <translation>无法保存模型列表</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="217"/>
        <source>Added {0}: {1}.</source>
        <translation>已添加 {0}：{1}。</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="228"/>
        <source>The server cannot be added</source>
        <translation>无法添加服务器</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="231"/>
        <source>Added {0} ({1}). Use it to connect.</source>
        <translation>已添加 {0}（{1}）。使用它即可连接。</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="265"/>
        <source>These settings were not saved</source>
        <translation>这些设置未能保存</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="276"/>
        <source>and delete the downloaded file</source>
        <translation>并删除已下载的文件</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="278"/>
        <source>(the file stays)</source>
        <translation>（文件会保留）</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="281"/>
        <source>Remove model</source>
        <translation>移除模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="281"/>
        <source>Remove {0} {1}?</source>
        <translation>移除 {0} {1}？</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="289"/>
        <source>The model was not removed</source>
        <translation>模型未被移除</translation>
    </message>
    <message>
        <location filename="../../gui/models/manager.py" line="291"/>
        <source>Removed {0}.</source>
        <translation>已移除 {0}。</translation>
    </message>
</context>
<context>
    <name>ModelSettingsDialog</name>
    <message>
        <location filename="../../gui/models/dialogs.py" line="100"/>
        <source>{0}: settings</source>
        <translation>{0}：设置</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="113"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="114"/>
        <source>Top p</source>
        <translation>Top p</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="115"/>
        <source>Top k</source>
        <translation>Top k</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="116"/>
        <source>Min p</source>
        <translation>Min p</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="117"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="118"/>
        <source>Prompt format</source>
        <translation>提示格式</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="121"/>
        <source>An instruct model&apos;s format adds its end-of-turn marks as stops.</source>
        <translation>指令模型的提示格式会把它的对话结束标记当作停止符。</translation>
    </message>
</context>
<context>
    <name>NewProjectDialog</name>
    <message>
        <location filename="../../gui/book/new_project.py" line="89"/>
        <source>New Project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="91"/>
        <source>The book&apos;s title</source>
        <translation>书名</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="96"/>
        <source>Its spelling dictionary (UK or US English…), and the language the model writes in</source>
        <translation>决定拼写词典（英式或美式英语等）以及模型写作所用的语言</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="100"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="108"/>
        <source>&amp;Title:</source>
        <translation>书名(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="109"/>
        <source>&amp;Author:</source>
        <translation>作者(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="110"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="111"/>
        <source>&amp;Where:</source>
        <translation>位置(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="118"/>
        <source>C&amp;reate</source>
        <translation>创建(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="133"/>
        <source>Where the project goes</source>
        <translation>项目存放的位置</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="153"/>
        <source>Give the book a title.</source>
        <translation>请为这本书取一个书名。</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="155"/>
        <source>Choose an existing folder for the project.</source>
        <translation>请为项目选择一个已有的文件夹。</translation>
    </message>
    <message>
        <location filename="../../gui/book/new_project.py" line="157"/>
        <source>The project will be {0}</source>
        <translation>项目将创建为 {0}</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../gui/window/preferences.py" line="43"/>
        <source>Accept suggestion</source>
        <translation>接受提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="44"/>
        <source>Accept next word</source>
        <translation>接受下一个词</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="45"/>
        <source>Dismiss suggestion</source>
        <translation>取消提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="46"/>
        <source>Next alternative</source>
        <translation>下一个备选</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="47"/>
        <source>Previous alternative</source>
        <translation>上一个备选</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="48"/>
        <source>Suggest now</source>
        <translation>立即提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="52"/>
        <source>Cut</source>
        <translation>剪切</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="53"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="54"/>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="55"/>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="81"/>
        <source>{0} has no key.</source>
        <translation>“{0}”没有设置按键。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="89"/>
        <source>{0} is kept for {1}.</source>
        <translation>{0} 已留给“{1}”使用。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="95"/>
        <source>{0} is used by both {1} and {2}.</source>
        <translation>{0} 同时用于“{1}”和“{2}”。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="171"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="175"/>
        <source>Editor</source>
        <translation>编辑器</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="176"/>
        <source>Suggestions</source>
        <translation>写作提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="177"/>
        <location filename="../../gui/window/preferences.py" line="277"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="178"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="184"/>
        <source>Reset to defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="199"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="199"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="199"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="202"/>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="205"/>
        <source>Applies the next time Inkling starts.</source>
        <translation>下次启动 Inkling 时生效。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="209"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="210"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="211"/>
        <source>Font</source>
        <translation>字体</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="212"/>
        <source>Size</source>
        <translation>字号</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="215"/>
        <source>Comfortable (about {0} characters)</source>
        <translation>舒适宽度（约 {0} 个字符）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/window/preferences.py" line="216"/>
        <source>%n characters</source>
        <translation>
            <numerusform>%n 个字符</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="219"/>
        <source>The longest line of text; a large number lets the text fill the window.</source>
        <translation>每行文字的最大宽度；数值很大时文字铺满窗口。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="221"/>
        <source>Typewriter scrolling in focus mode (F11)</source>
        <translation>专注模式下打字机式滚动（F11）</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="222"/>
        <source>Check spelling as I write</source>
        <translation>边写边检查拼写</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="223"/>
        <source>Text column width</source>
        <translation>正文栏宽</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="238"/>
        <source>Suggest as I type</source>
        <translation>边写边提示</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="241"/>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="244"/>
        <location filename="../../gui/window/preferences.py" line="288"/>
        <source> word pieces</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="246"/>
        <source>The model writes in pieces of words (tokens): 12 pieces are about 9 words.</source>
        <translation>模型按词元（词的片段）写作：12 个词元大约是 9 个英文单词或十来个汉字。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="249"/>
        <source>Pause before suggesting</source>
        <translation>提示前的停顿</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="250"/>
        <source>Longest suggestion</source>
        <translation>提示最长长度</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="268"/>
        <source>Bundled model (Gemma 3 270M)</source>
        <translation>内置模型（Gemma 3 270M）</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="269"/>
        <location filename="../../gui/window/preferences.py" line="323"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="276"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="278"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="279"/>
        <source>A new model loads the next time Inkling starts.</source>
        <translation>新模型会在下次启动 Inkling 时载入。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="291"/>
        <source>How the model picks its words (advanced)</source>
        <translation>模型如何挑选词语（高级）</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="295"/>
        <source>The defaults suit most writing. Higher temperature: bolder, stranger words; lower: safer, plainer ones.</source>
        <translation>默认值适合大多数写作。温度越高，用词越大胆新奇；越低，用词越稳妥平实。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="303"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="304"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="305"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="306"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="307"/>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="308"/>
        <source>Continuation length</source>
        <translation>续写长度</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="319"/>
        <source>Back up a story when I close it, if it changed</source>
        <translation>关闭故事时如有改动就备份</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="322"/>
        <source>Inkling&apos;s own data folder</source>
        <translation>Inkling 自己的数据文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="333"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="336"/>
        <source> weeks</source>
        <translation> 周</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="339"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="341"/>
        <location filename="../../gui/window/preferences.py" line="362"/>
        <source>Backup folder</source>
        <translation>备份文件夹</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="342"/>
        <source>Keep the newest</source>
        <translation>保留最新的</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="343"/>
        <source>And one a day for</source>
        <translation>另外每天保留一份，共</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="344"/>
        <source>And one a week for</source>
        <translation>另外每周保留一份，共</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="345"/>
        <source>Snapshot space per story</source>
        <translation>每个故事的快照空间</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="348"/>
        <source>A story&apos;s own backup folder (File → Backup Folder) wins over this one. When snapshots outgrow their space the oldest go first; named ones are never removed.</source>
        <translation>故事自己的备份文件夹（文件 → 备份文件夹）优先于这里的设置。快照超出空间时，最旧的先删除；有名称的快照永不删除。</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="377"/>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <location filename="../../gui/window/preferences.py" line="377"/>
        <source>GGUF (*.gguf)</source>
        <translation>GGUF (*.gguf)</translation>
    </message>
</context>
<context>
    <name>ProjectController</name>
    <message>
        <location filename="../../gui/book/project.py" line="25"/>
        <source>Chapters and scenes belong to a story project: use Book → New Chapter, or Save As with a name ending in .inkling.</source>
        <translation>章和场景属于故事项目：请使用“书稿 → 新建章”，或另存为以 .inkling 结尾的名称。</translation>
    </message>
    <message>
        <location filename="../../gui/book/project.py" line="158"/>
        <source>Wait for the continuation to finish, or stop it, first.</source>
        <translation>请等续写完成，或先停止续写。</translation>
    </message>
    <message>
        <location filename="../../gui/book/project.py" line="185"/>
        <source>“{0}” could not be read, so Inkling leaves it as it is: {1}</source>
        <translation>“{0}”无法读取，Inkling 将其保持原样：{1}</translation>
    </message>
    <message>
        <location filename="../../gui/book/project.py" line="299"/>
        <source>The book has no scene: add one with Book → New Scene.</source>
        <translation>这本书没有场景：请用“书稿 → 新建场景”添加一个。</translation>
    </message>
    <message>
        <location filename="../../gui/book/project.py" line="149"/>
        <source>This scene is shown read-only: {0}</source>
        <translation>此场景以只读方式显示：{0}</translation>
    </message>
</context>
<context>
    <name>Prompts</name>
    <message>
        <location filename="../../gui/book/prompts.py" line="21"/>
        <source>GB18030 (Simplified Chinese)</source>
        <translation>GB18030（简体中文）</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="22"/>
        <source>Big5 (Traditional Chinese)</source>
        <translation>Big5（繁体中文）</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="23"/>
        <source>Windows-1252 (Western European)</source>
        <translation>Windows-1252（西欧语言）</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="26"/>
        <source>Stories and text (*.txt *.md *.markdown story.toml);;All files (*)</source>
        <translation>故事与文本 (*.txt *.md *.markdown story.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="29"/>
        <source>Manuscripts (*.docx *.txt *.md *.markdown);;All files (*)</source>
        <translation>书稿 (*.docx *.txt *.md *.markdown);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="37"/>
        <source>Plain text (*.txt)</source>
        <translation>纯文本 (*.txt)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="78"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="104"/>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="99"/>
        <source>Markdown (*.md);;Plain text (*.txt);;Inkling story folder (*.inkling)</source>
        <translation>Markdown (*.md);;纯文本 (*.txt);;Inkling 故事文件夹 (*.inkling)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="32"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="41"/>
        <source>Inkling story folder (*.inkling)</source>
        <translation>Inkling 故事文件夹 (*.inkling)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="59"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="60"/>
        <source>Save the changes to {0} before closing it?</source>
        <translation>关闭之前要保存对“{0}”的更改吗？</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="128"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="139"/>
        <source>Import a manuscript</source>
        <translation>导入书稿</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="166"/>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="168"/>
        <source>Inkling backups (*.zip)</source>
        <translation>Inkling 备份 (*.zip)</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="184"/>
        <source>Inkling</source>
        <translation>Inkling</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="205"/>
        <source>Open as {0}: {1}…</source>
        <translation>按 {0} 打开：{1}…</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="209"/>
        <source>Open as {0}</source>
        <translation>按 {0} 打开</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="214"/>
        <source>Open with replacement characters (�)</source>
        <translation>用替换字符（�）打开</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="217"/>
        <source>Not UTF-8</source>
        <translation>不是 UTF-8 编码</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="232"/>
        <source>File changed on disk</source>
        <translation>文件已在磁盘上被修改</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="233"/>
        <source>{0} was changed by another program since you opened it. Overwrite it?</source>
        <translation>打开 {0} 之后，它被其他程序修改过。要覆盖吗？</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="243"/>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的内容</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="247"/>
        <source>Inkling found unsaved work on {0} from an earlier session, kept at {1}.</source>
        <translation>Inkling 找到了上次未保存的《{0}》，保存于 {1}。</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="254"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="257"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../gui/book/prompts.py" line="260"/>
        <source>Decide later</source>
        <translation>稍后决定</translation>
    </message>
</context>
<context>
    <name>Sections</name>
    <message>
        <location filename="../../gui/story/context_view.py" line="58"/>
        <source>Style</source>
        <translation>文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="59"/>
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="60"/>
        <source>Story so far</source>
        <translation>前情</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="61"/>
        <source>This chapter</source>
        <translation>本章</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="62"/>
        <source>Characters and places</source>
        <translation>人物与地点</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="63"/>
        <source>Recalled passages</source>
        <translation>回想起的段落</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="64"/>
        <source>Author&apos;s note</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <location filename="../../gui/story/context_view.py" line="65"/>
        <source>Recent text</source>
        <translation>最近的正文</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <location filename="../../gui/models/dialogs.py" line="70"/>
        <source>Add a server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="73"/>
        <source>http://192.168.1.20:8080</source>
        <translation>http://192.168.1.20:8080</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="75"/>
        <source>(the server&apos;s first model)</source>
        <translation>（服务器上的第一个模型）</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="78"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="82"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="83"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="84"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="85"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../gui/models/dialogs.py" line="87"/>
        <source>The key is stored in a file only you can read.</source>
        <translation>密钥保存在只有你能读取的文件里。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../gui/window/shortcuts.py" line="49"/>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../gui/window/shortcuts.py" line="51"/>
        <source>What</source>
        <translation>功能</translation>
    </message>
    <message>
        <location filename="../../gui/window/shortcuts.py" line="51"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>SpellController</name>
    <message>
        <location filename="../../gui/editor/spelling.py" line="186"/>
        <source>(no suggestions)</source>
        <translation>（没有建议）</translation>
    </message>
    <message>
        <location filename="../../gui/editor/spelling.py" line="188"/>
        <source>Add “%s” to dictionary</source>
        <translation>把“%s”加入词典</translation>
    </message>
    <message>
        <location filename="../../gui/editor/spelling.py" line="189"/>
        <source>Ignore “%s”</source>
        <translation>忽略“%s”</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../gui/window/start.py" line="18"/>
        <source>Welcome to Inkling</source>
        <translation>欢迎使用 Inkling</translation>
    </message>
    <message>
        <location filename="../../gui/window/start.py" line="24"/>
        <source>Just Start Writing</source>
        <translation>直接开始写作</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../gui/window/status_bar.py" line="78"/>
        <location filename="../../gui/window/status_bar.py" line="269"/>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="249"/>
        <source>Loading model…</source>
        <translation>正在载入模型…</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="260"/>
        <source>{0} is ready. Ctrl+Enter continues your text.</source>
        <translation>{0} 已就绪。按 Ctrl+Enter 续写。</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="280"/>
        <source>about {0} characters/s</source>
        <translation>约每秒 {0} 个字</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="280"/>
        <source>about 1 character/s</source>
        <translation>约每秒 1 个字</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="283"/>
        <source>about {0} words/s</source>
        <translation>约每秒 {0} 个词</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="283"/>
        <source>about 1 word/s</source>
        <translation>约每秒 1 个词</translation>
    </message>
    <message>
        <location filename="../../gui/window/status_bar.py" line="286"/>
        <source>The model wrote {0:.1f} tokens per second.</source>
        <translation>模型每秒写出 {0:.1f} 个词元。</translation>
    </message>
</context>
<context>
    <name>StoryDialog</name>
    <message>
        <location filename="../../gui/common/languages.py" line="26"/>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="19"/>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="20"/>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="21"/>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="24"/>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="18"/>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="14"/>
        <source>English (UK)</source>
        <translation>英语（英国）</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="15"/>
        <source>English (US)</source>
        <translation>英语（美国）</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="16"/>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="17"/>
        <source>Basque</source>
        <translation>巴斯克语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="22"/>
        <source>Latvian</source>
        <translation>拉脱维亚语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="23"/>
        <source>Persian</source>
        <translation>波斯语</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="25"/>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="23"/>
        <source>Story details</source>
        <translation>故事信息</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="37"/>
        <source>Automatic (from the text)</source>
        <translation>自动（根据正文判断）</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="41"/>
        <source>English (UK or US by the system&apos;s region)</source>
        <translation>英语（按系统地区选英式或美式）</translation>
    </message>
    <message>
        <location filename="../../gui/common/languages.py" line="42"/>
        <source>Chinese (not spell checked)</source>
        <translation>中文（不检查拼写）</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="34"/>
        <source>The language the story is written in: its spelling dictionary, and the language the model writes in.</source>
        <translation>故事所用的语言：决定拼写词典，以及模型写作所用的语言。</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="38"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="39"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="40"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="41"/>
        <source>Premise</source>
        <translation>故事梗概</translation>
    </message>
    <message>
        <location filename="../../gui/story/details.py" line="42"/>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
</context>
<context>
    <name>StylePanel</name>
    <message>
        <location filename="../../gui/story/style.py" line="43"/>
        <source>bleak</source>
        <translation>阴郁</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="44"/>
        <source>whimsical</source>
        <translation>奇趣</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="45"/>
        <source>tense</source>
        <translation>紧张</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="46"/>
        <source>lyrical</source>
        <translation>抒情</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="47"/>
        <source>dry</source>
        <translation>冷峻</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="48"/>
        <source>warm</source>
        <translation>温暖</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="49"/>
        <source>eerie</source>
        <translation>诡异</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="52"/>
        <location filename="../../gui/story/style.py" line="66"/>
        <source>Any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="53"/>
        <source>First person</source>
        <translation>第一人称</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="54"/>
        <source>Second person</source>
        <translation>第二人称</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="55"/>
        <source>Third person limited</source>
        <translation>第三人称有限视角</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="56"/>
        <source>Third person omniscient</source>
        <translation>第三人称全知视角</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="60"/>
        <source>Cozy and whimsical</source>
        <translation>温馨奇趣</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="61"/>
        <source>Lyrical omniscient</source>
        <translation>抒情全知</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="62"/>
        <source>Noir confession</source>
        <translation>黑色自白</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="63"/>
        <source>Present-tense thriller</source>
        <translation>现在时惊悚</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="67"/>
        <source>Past</source>
        <translation>过去时</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="68"/>
        <source>Present</source>
        <translation>现在时</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="71"/>
        <source>A sentence</source>
        <translation>一句</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="72"/>
        <source>A paragraph</source>
        <translation>一段</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="73"/>
        <source>A scene beat</source>
        <translation>一个情节段落</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="85"/>
        <source>Style</source>
        <translation>文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="114"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="127"/>
        <source>Save as preset…</source>
        <translation>存为预设…</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="129"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="131"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="140"/>
        <source>Use this style for Ctrl+Enter</source>
        <translation>按 Ctrl+Enter 续写时使用此文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="159"/>
        <source>How strongly the style steers (1.0 = no guidance)</source>
        <translation>文风引导的强度（1.0 = 不引导）</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="162"/>
        <source>e.g. short sentences, no adverbs</source>
        <translation>例如：句子短，少用副词</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="167"/>
        <source>Author&apos;s note, e.g. the storm breaks tonight</source>
        <translation>作者备注，例如：今晚暴风雨来临</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="169"/>
        <source>Match my style (from the selection)</source>
        <translation>模仿我的文风（根据选中文字）</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="173"/>
        <source>Genre</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="174"/>
        <source>Tone</source>
        <translation>基调</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="175"/>
        <source>Point of view</source>
        <translation>视角</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="176"/>
        <source>Tense</source>
        <translation>时态</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="177"/>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="178"/>
        <source>Creativity</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="179"/>
        <source>Style strength</source>
        <translation>文风强度</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="180"/>
        <source>Style notes</source>
        <translation>文风说明</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="181"/>
        <source>Author&apos;s note</source>
        <translation>作者备注</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="231"/>
        <source>Select a passage of a few sentences first.</source>
        <translation>请先选中几句话。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="242"/>
        <source>Style matched to the selection.</source>
        <translation>已按所选文字调整文风。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="274"/>
        <source>Some style presets were skipped: {0}</source>
        <translation>部分风格预设已跳过：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="278"/>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="292"/>
        <source>Style preset “{0}” applied.</source>
        <translation>已应用文风预设“{0}”。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="299"/>
        <source>“{0}” is chosen but not applied: press Apply.</source>
        <translation>已选中“{0}”，但尚未应用：请点“应用”。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="303"/>
        <source>Preset “{0}”, changed since.</source>
        <translation>预设“{0}”，之后有改动。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="305"/>
        <source>Using preset “{0}”.</source>
        <translation>正在使用预设“{0}”。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="315"/>
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="315"/>
        <source>Preset name:</source>
        <translation>预设名称：</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="324"/>
        <location filename="../../gui/story/style.py" line="348"/>
        <source>Preset not saved: {0}</source>
        <translation>预设未保存：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="327"/>
        <source>Saved preset “{0}”.</source>
        <translation>已保存预设“{0}”。</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="335"/>
        <source>Export style</source>
        <translation>导出文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="335"/>
        <location filename="../../gui/story/style.py" line="357"/>
        <source>TOML (*.toml)</source>
        <translation>TOML (*.toml)</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="343"/>
        <source>My style</source>
        <translation>我的文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="357"/>
        <source>Import style</source>
        <translation>导入文风</translation>
    </message>
    <message>
        <location filename="../../gui/story/style.py" line="366"/>
        <source>Preset not imported: {0}</source>
        <translation>预设未能导入：{0}</translation>
    </message>
</context>
<context>
    <name>SuggestionController</name>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="147"/>
        <source>No suggestion yet: the model is still loading.</source>
        <translation>暂无建议：模型还在载入。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="149"/>
        <source>No suggestion while a continuation is being written.</source>
        <translation>正在续写，暂不提供建议。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="151"/>
        <source>No suggestion: this text is read-only.</source>
        <translation>没有建议：这段文字是只读的。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="153"/>
        <source>No suggestion while the input method is composing.</source>
        <translation>输入法正在输入，暂不提供建议。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="156"/>
        <source>No suggestion while the story bible is being written; they resume after.</source>
        <translation>正在编写故事设定，暂不提供建议；完成后恢复。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="159"/>
        <source>No suggestion while text is selected.</source>
        <translation>选中文字时不提供建议。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="282"/>
        <source>No suggestion to vary here: Ctrl+Space asks for one.</source>
        <translation>这里没有可替换的建议：按 Ctrl+Space 请求一个。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="385"/>
        <source>No other suggestion here.</source>
        <translation>这里没有别的建议。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="400"/>
        <source>Nothing suggested at the start of a paragraph: write a few words first.</source>
        <translation>段落开头没有建议：先写几个字吧。</translation>
    </message>
    <message>
        <location filename="../../gui/editor/suggestions.py" line="402"/>
        <source>The model had nothing confident to add here.</source>
        <translation>模型在这里没有把握补充什么。</translation>
    </message>
</context>
<context>
    <name>TrainVoiceDialog</name>
    <message>
        <location filename="../../gui/models/training.py" line="41"/>
        <source>Reading your texts…</source>
        <translation>正在读取你的文字…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="42"/>
        <source>Loading a copy of the model to train (about a minute)…</source>
        <translation>正在载入一份用于训练的模型副本（约一分钟）…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="45"/>
        <source>Measuring the model before training…</source>
        <translation>训练前先检验模型…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="46"/>
        <source>Resuming from the last checkpoint…</source>
        <translation>从上一个检查点继续…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="143"/>
        <source>Train on My Writing</source>
        <translation>用我的文字训练</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="148"/>
        <source>Inkling learns your voice by training a small adapter for {0} on your own pages, on this computer. A tenth of the text is kept aside to measure the gain. You can keep writing while it trains.</source>
        <translation>Inkling 会在这台电脑上用你自己的文字为 {0} 训练一个小型适配器，学习你的文风。其中十分之一的文字留作检验效果。训练期间你可以继续写作。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="155"/>
        <source>The open book (none is open)</source>
        <translation>当前打开的书稿（没有打开的书稿）</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="159"/>
        <source>&amp;Add Files…</source>
        <translation>添加文件(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="161"/>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="166"/>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="174"/>
        <location filename="../../gui/models/training.py" line="243"/>
        <source>&amp;Start Training</source>
        <translation>开始训练(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="176"/>
        <source>&amp;Cancel Training</source>
        <translation>取消训练(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="178"/>
        <source>&amp;Switch It On</source>
        <translation>启用(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="180"/>
        <source>&amp;Delete It</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="192"/>
        <source>Train for about</source>
        <translation>训练时长约</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="201"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="206"/>
        <source>Learn from:</source>
        <translation>学习材料：</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="221"/>
        <source>Texts to learn from</source>
        <translation>用来学习的文字</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="223"/>
        <source>Your writing ({0})</source>
        <translation>你的作品 ({0})</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="243"/>
        <source>&amp;Resume Training</source>
        <translation>继续训练(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="266"/>
        <source>Learning from {0:,} words; {1:,} kept aside to measure.</source>
        <translation>用 {0:,} 字学习；{1:,} 字留作检验。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="273"/>
        <source>Measuring the voice on the text kept aside…</source>
        <translation>正在用预留的文字评估文风…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="309"/>
        <source>This voice did not help on writing it had not seen; you may delete it.</source>
        <translation>这个文风对它没见过的文字没有帮助，可以删除。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="275"/>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="280"/>
        <source>Step {0} of {1} · {2} spent · about {3} left</source>
        <translation>第 {0} 步，共 {1} 步 · 已用 {2} · 约剩 {3}</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="297"/>
        <source>Perplexity on your held-out text: {0:.1f} → {1:.1f} ({2:+.0%}; lower is better).</source>
        <translation>检验文字上的困惑度：{0:.1f} → {1:.1f}（{2:+.0%}；越低越好）。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="299"/>
        <source>Keystrokes saved by suggestions: {0:.0%} → {1:.0%}.</source>
        <translation>写作提示节省的按键：{0:.0%} → {1:.0%}。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="302"/>
        <source>Trained on {0:,} tokens in {1}.</source>
        <translation>用 {1} 训练了 {0:,} 个词元。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="311"/>
        <source>Done.</source>
        <translation>完成。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="311"/>
        <source>Done, without a gain.</source>
        <translation>完成，但没有提升。</translation>
    </message>
</context>
<context>
    <name>TrainingProcess</name>
    <message>
        <location filename="../../gui/models/training.py" line="123"/>
        <source>The training process stopped unexpectedly.</source>
        <extracomment>Train at low priority so the writer&apos;s other programs come first.</extracomment>
        <translation>训练进程意外停止。</translation>
    </message>
    <message>
        <location filename="../../gui/models/training.py" line="130"/>
        <source>The training process could not start.</source>
        <translation>训练进程无法启动。</translation>
    </message>
</context>
<context>
    <name>VoiceController</name>
    <message>
        <location filename="../../gui/models/voice.py" line="141"/>
        <source>Voice: {0} ({1:.0%})</source>
        <translation>文风：{0}（{1:.0%}）</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="92"/>
        <source>The voice could not be switched</source>
        <translation>无法切换文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="104"/>
        <source>The voice could not be deleted</source>
        <translation>无法删除文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="130"/>
        <source>The voice could not be used</source>
        <translation>无法使用该文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="142"/>
        <source>A voice trained on your writing is on.</source>
        <translation>已启用根据你的文字训练的文风。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="148"/>
        <location filename="../../gui/models/voice.py" line="151"/>
        <source>Train on my writing</source>
        <translation>用我的文字训练</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="148"/>
        <source>No model is loaded yet.</source>
        <translation>还没有载入模型。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="160"/>
        <source>{0} ({1:,} words)</source>
        <translation>{0}（{1:,} 字）</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="192"/>
        <source>Could not prepare the book&apos;s text: {0}</source>
        <translation>无法准备书稿文字：{0}</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="197"/>
        <source>Choose what to learn from: the book or your files (at least {0:,} words).</source>
        <translation>请选择学习材料：本书或你的文件（至少 {0:,} 字）。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="207"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="208"/>
        <source>Training on your writing in the background…</source>
        <translation>正在后台用你的文字训练…</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="229"/>
        <source>Stopping at the next step and saving a checkpoint…</source>
        <translation>将在下一步停止并保存检查点…</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="254"/>
        <source>Cancelled. Resume picks up from the last checkpoint.</source>
        <translation>已取消。再次训练时会从上一个检查点继续。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="256"/>
        <source>The training stopped.</source>
        <translation>训练已停止。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="258"/>
        <source>Voice training finished.</source>
        <translation>文风训练完成。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="258"/>
        <source>Voice training stopped.</source>
        <translation>文风训练已停止。</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="269"/>
        <source>The voice could not be kept</source>
        <translation>无法保存该文风</translation>
    </message>
    <message>
        <location filename="../../gui/models/voice.py" line="278"/>
        <source>Voice “{0}” is on.</source>
        <translation>文风“{0}”已启用。</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <location filename="../../gui/book/welcome.py" line="33"/>
        <source>Start writing</source>
        <translation>开始写作</translation>
    </message>
    <message>
        <location filename="../../gui/book/welcome.py" line="37"/>
        <source>New Project…</source>
        <translation>新建项目…</translation>
    </message>
    <message>
        <location filename="../../gui/book/welcome.py" line="38"/>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../../gui/book/welcome.py" line="39"/>
        <source>Import Manuscript…</source>
        <translation>导入书稿…</translation>
    </message>
    <message>
        <location filename="../../gui/book/welcome.py" line="47"/>
        <source>Recent</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <location filename="../../gui/book/welcome.py" line="50"/>
        <source>Nothing opened yet.</source>
        <translation>尚未打开任何文件。</translation>
    </message>
</context>
<context>
    <name>WritingBar</name>
    <message>
        <location filename="../../gui/editor/writing_bar.py" line="31"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../gui/editor/writing_bar.py" line="32"/>
        <source>Stop writing (Esc); what is written stays</source>
        <translation>停止写作（Esc）；已写的内容会保留</translation>
    </message>
    <message>
        <location filename="../../gui/editor/writing_bar.py" line="78"/>
        <location filename="../../gui/editor/writing_bar.py" line="92"/>
        <source>Reading the story… {0} s</source>
        <translation>正在阅读故事… {0} 秒</translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/editor/writing_bar.py" line="80"/>
        <location filename="../../gui/editor/writing_bar.py" line="93"/>
        <source>Writing… %n character(s)</source>
        <translation>
            <numerusform>正在写作… %n 字</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/editor/writing_bar.py" line="82"/>
        <location filename="../../gui/editor/writing_bar.py" line="94"/>
        <source>Writing… %n word(s)</source>
        <translation>
            <numerusform>正在写作… %n 词</numerusform>
        </translation>
    </message>
</context>
</TS>
