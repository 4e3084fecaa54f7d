"""What a report refers to: images must exist, stay inside the project and be of sane size; links go to the web.

Relative image paths are resolved against ``source/`` (where ``report.md``
lives, as Markdown editors preview them). A reference that leaves the project
(``..``, an absolute path, a symlink pointing out) is refused, and so is any
``http(s)`` address unless remote resources are explicitly allowed. This is
checked on the model, with positions; the PDF stage's URL fetcher refuses the
same things again as a backstop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import paths
from .errors import PublisherError
from .model import (
    Document,
    Emph,
    Image,
    Inline,
    Link,
    Strong,
)

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
LINK_SCHEMES = ("http", "https", "mailto")
"""What a link of the PDF may open, besides a place in the document (``#h1``): never a file, a share or a
program (``file:``, ``smb:``, ``launch:``, ``javascript:``, a relative path)."""
LINK_HINT = "a link may go to a web address (https://…), an e-mail address (mailto:…) or a heading (#h1)"


def link_allowed(href: str) -> bool:
    """Whether ``href`` may become a link of the document: an ``http(s)`` or ``mailto:`` address, or ``#anchor``."""
    href = href.strip()
    if href.startswith("#"):
        return True
    scheme = urlsplit(href).scheme.lower()
    return scheme in LINK_SCHEMES and (scheme == "mailto" or href.lower().startswith(f"{scheme}://"))


def _images_in(nodes: list[Inline]) -> Iterator[Image]:
    for node in nodes:
        if isinstance(node, Image):
            yield node
        elif isinstance(node, Strong | Emph | Link):
            yield from _images_in(node.children)


def images(doc: Document) -> Iterator[Image]:
    """Every image of the document, footnotes included."""
    for inlines in doc.inline_runs():
        yield from _images_in(inlines)


def resolve_images(doc: Document, allow_remote: bool = False) -> dict[str, str]:
    """Check every image reference; returns the address to load for each (as written): a ``file:`` URI inside
    the project, or the ``http(s)`` address when remote resources are allowed."""
    root = doc.root.resolve()
    found: dict[str, str] = {}
    for image in images(doc):
        src = image.src.strip()
        scheme = urlsplit(src).scheme.lower()
        if scheme in ("http", "https"):
            if not allow_remote:
                raise PublisherError(
                    f"remote image '{src}' refused",
                    image.pos,
                    "download it into the project (e.g. source/images/) or build with --allow-remote",
                )
            found[image.src] = src
            continue
        if scheme and len(scheme) > 1:  # not a Windows drive letter
            raise PublisherError(
                f"image address '{src}' is not allowed",
                image.pos,
                "use a path to a file inside the project, e.g. images/map.png",
            )
        path = Path(unquote(src.split("?")[0].split("#")[0]))
        if not path.is_absolute():
            path = Path("source") / path
        hint = "copy the file into the project (e.g. source/images/) and refer to it there"
        paths.inside(root, path, image.pos, "image", hint, name=src)
        if not (root / path).exists():
            raise PublisherError(
                f"image not found: {src}",
                image.pos,
                f"paths are relative to source/; looked for {paths.shown(root, (root / path).resolve())}",
            )
        target = paths.regular_file(root, path, image.pos, "image", name=src)
        _check_image_size(target, image)
        found[image.src] = target.as_uri()
    return found


def _check_image_size(path: Path, image: Image) -> None:
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise PublisherError(
            f"image '{image.src}' is {size // 1024 // 1024} MiB, more than {MAX_IMAGE_BYTES // 1024 // 1024} MiB",
            image.pos,
            "reduce it (300 dpi at print size is enough)",
        )
    if path.suffix.lower() == ".svg":
        return
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(path) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError):
        raise PublisherError(
            f"'{image.src}' is not an image file this publisher can read",
            image.pos,
            "use PNG, JPEG, GIF, WebP or SVG",
        ) from None
    except PILImage.DecompressionBombError:
        width, height = MAX_IMAGE_PIXELS + 1, 1
    if width * height > MAX_IMAGE_PIXELS:
        raise PublisherError(
            f"image '{image.src}' has {width}×{height} pixels, more than {MAX_IMAGE_PIXELS // 1_000_000} million",
            image.pos,
            "scale it down: 300 dpi at its printed size is enough",
        )
