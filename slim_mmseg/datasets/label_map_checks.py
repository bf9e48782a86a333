"""The check the dataset converters make on each label map before reading its ids: it has its
image's size and a single channel (a colour rendering would be read as wrong ids)."""
from PIL import Image


def check_label_map(image: Image.Image, label: Image.Image, image_path: str, label_path: str,
                    archive: str, mode_hint: str) -> None:
    """Raises ``ValueError`` naming both files when the sizes differ (fix: re-extract ``archive``),
    or when ``label`` is neither 'L' nor 'P' (``mode_hint`` follows the mode: what to use instead)."""
    if image.size != label.size:
        raise ValueError(
            f'{label_path} is {label.size[0]}x{label.size[1]} but its image {image_path} is '
            f'{image.size[0]}x{image.size[1]}: re-extract {archive}.')
    if label.mode not in ('L', 'P'):
        raise ValueError(f'{label_path} has mode {label.mode}{mode_hint}')
