"""The case officer's check page (逢办必查): server-rendered, works without JavaScript."""
