"""The editor canvas: a scene mirroring the Document and a view to edit it.

    scene = CanvasScene(document)
    view = CanvasView(scene)          # keep a reference to the scene too
    view.message.connect(status_bar.showMessage)

Modules: ``scene`` (the mirror and its hooks), ``view`` (zoom, pan, keys,
drops), ``items`` (neurons, layer frames), ``bundles`` and ``connections``
(batched connection drawing), ``interactions`` and ``menus`` (gestures into
Document edits), ``selection`` (clipboard, delete, freeze, tooltips),
``export`` (PNG, SVG), ``style`` (colours and sizes).
"""

from nnsim.app.canvas.interactions import PART_MIME, part_from_mime, part_mime
from nnsim.app.canvas.scene import CanvasScene
from nnsim.app.canvas.selection import FRAGMENT_MIME
from nnsim.app.canvas.view import CanvasView

__all__ = ["CanvasScene", "CanvasView", "PART_MIME", "FRAGMENT_MIME", "part_mime", "part_from_mime"]
