"""Design files: the versioned JSON format and atomic saving."""

from nnsim.io.files import dumps, load, loads, save
from nnsim.io.format import FORMAT_VERSION, FormatError, design_from_dict, design_to_dict

__all__ = ["load", "loads", "save", "dumps", "FormatError", "FORMAT_VERSION", "design_from_dict", "design_to_dict"]
