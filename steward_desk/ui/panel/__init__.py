"""The panel exchange in the GUI: keys, case packs, bundles, the merge view and decisions."""
