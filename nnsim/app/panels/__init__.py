"""The window's side panels (palette, inspector, welcome gallery, and the training panels)."""
