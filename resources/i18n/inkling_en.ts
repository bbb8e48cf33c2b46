<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en_GB">
<context>
    <name>AskDock</name>
    <message numerus="yes">
        <location filename="../../gui/story/ask.py" line="118"/>
        <source>%n passage(s), best first. Click one to read it.</source>
        <translation>
            <numerusform>%n passage, best first. Click it to read it.</numerusform>
            <numerusform>%n passages, best first. Click one to read it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BibleController</name>
    <message numerus="yes">
        <location filename="../../gui/story/bible_generation.py" line="76"/>
        <source>Writing “{0}”… (fields done: %n)</source>
        <translation>
            <numerusform>Writing “{0}”… (fields done: %n)</numerusform>
            <numerusform>Writing “{0}”… (fields done: %n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BinderDock</name>
    <message numerus="yes">
        <location filename="../../gui/book/binder.py" line="187"/>
        <source>Trash (%n)</source>
        <translation>
            <numerusform>Trash (%n)</numerusform>
            <numerusform>Trash (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContextDock</name>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="202"/>
        <source>about %n page(s) of your text before the cursor</source>
        <translation>
            <numerusform>about %n page of your text before the cursor</numerusform>
            <numerusform>about %n pages of your text before the cursor</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="208"/>
        <source>the summaries of %n earlier chapter(s)</source>
        <translation>
            <numerusform>the summary of %n earlier chapter</numerusform>
            <numerusform>the summaries of %n earlier chapters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="213"/>
        <source>%n character(s) and place(s) from the bible</source>
        <translation>
            <numerusform>%n entry from the bible</numerusform>
            <numerusform>%n characters and places from the bible</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/context_view.py" line="215"/>
        <source>%n passage(s) recalled from earlier</source>
        <translation>
            <numerusform>%n passage recalled from earlier</numerusform>
            <numerusform>%n passages recalled from earlier</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ContinuityDock</name>
    <message numerus="yes">
        <location filename="../../gui/story/continuity.py" line="151"/>
        <source>%n finding(s) to look at.</source>
        <translation>
            <numerusform>%n finding to look at.</numerusform>
            <numerusform>%n findings to look at.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/story/continuity.py" line="155"/>
        <source>%n dismissed.</source>
        <translation>
            <numerusform>%n dismissed.</numerusform>
            <numerusform>%n dismissed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DocumentController</name>
    <message numerus="yes">
        <location filename="../../gui/book/files.py" line="273"/>
        <source>…and %n more problem(s) like these.</source>
        <translation>
            <numerusform>…and %n more problem like these.</numerusform>
            <numerusform>…and %n more problems like these.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="213"/>
        <source>All chapters, or a range such as 1-5 or 2,4 (of %n)</source>
        <translation>
            <numerusform>All chapters, or a range such as 1-5 or 2,4 (of %n)</numerusform>
            <numerusform>All chapters, or a range such as 1-5 or 2,4 (of %n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FindDock</name>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="201"/>
        <source>%n found</source>
        <translation>
            <numerusform>%n found</numerusform>
            <numerusform>%n found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="203"/>
        <source>in %n scene(s)</source>
        <translation>
            <numerusform>in %n scene</numerusform>
            <numerusform>in %n scenes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="295"/>
        <source>Replace %n match(es)</source>
        <translation>
            <numerusform>Replace %n match</numerusform>
            <numerusform>Replace %n matches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/find.py" line="297"/>
        <source>in %n scene(s)?</source>
        <translation>
            <numerusform>in %n scene?</numerusform>
            <numerusform>in %n scenes?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="268"/>
        <source>%Ln character(s) then,</source>
        <translation>
            <numerusform>%Ln character then,</numerusform>
            <numerusform>%Ln characters then,</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="270"/>
        <source>%Ln word(s) then,</source>
        <translation>
            <numerusform>%Ln word then,</numerusform>
            <numerusform>%Ln words then,</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/history_view.py" line="272"/>
        <source>%Ln change(s) since.</source>
        <translation>
            <numerusform>%Ln change since.</numerusform>
            <numerusform>%Ln changes since.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="188"/>
        <source>…and %n more chapter(s)</source>
        <translation>
            <numerusform>…and %n more chapter</numerusform>
            <numerusform>…and %n more chapters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/book/dialogs.py" line="191"/>
        <source>%n chapter(s).</source>
        <translation>
            <numerusform>%n chapter.</numerusform>
            <numerusform>%n chapters.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelChooserDialog</name>
    <message numerus="yes">
        <location filename="../../gui/models/chooser.py" line="297"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message numerus="yes">
        <location filename="../../gui/window/preferences.py" line="216"/>
        <source>%n characters</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WritingBar</name>
    <message numerus="yes">
        <location filename="../../gui/editor/writing_bar.py" line="80"/>
        <location filename="../../gui/editor/writing_bar.py" line="93"/>
        <source>Writing… %n character(s)</source>
        <translation>
            <numerusform>Writing… %n character</numerusform>
            <numerusform>Writing… %n characters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../gui/editor/writing_bar.py" line="82"/>
        <location filename="../../gui/editor/writing_bar.py" line="94"/>
        <source>Writing… %n word(s)</source>
        <translation>
            <numerusform>Writing… %n word</numerusform>
            <numerusform>Writing… %n words</numerusform>
        </translation>
    </message>
</context>
</TS>
