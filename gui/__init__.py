"""Everything Qt: the window, the editor and the bridge to the model thread."""
