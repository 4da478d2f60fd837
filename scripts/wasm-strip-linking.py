#!/usr/bin/env python3
"""Drops the linker's custom sections ("linking", "reloc.*") from wasm files, in place.

The wasm32 builds keep them (--emit-relocs, .cargo/config.toml) because the route splitter
needs them; shipped modules do not, and wasm-opt cannot optimise a module that still has them.
Usage: wasm-strip-linking.py FILE.wasm...
"""
import sys


def leb128(data, at):
    """Reads an unsigned LEB128 number; returns (value, next position)."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def strip(data):
    if data[:4] != b"\0asm":
        raise ValueError("not a wasm module")
    out = bytearray(data[:8])
    at = 8
    while at < len(data):
        start = at
        section_id = data[at]
        size, payload = leb128(data, at + 1)
        end = payload + size
        if end > len(data):
            raise ValueError("truncated section")
        keep = True
        if section_id == 0:
            name_len, name_at = leb128(data, payload)
            name = data[name_at:name_at + name_len].decode("utf-8", "replace")
            keep = not (name == "linking" or name.startswith("reloc."))
        if keep:
            out += data[start:end]
        at = end
    return bytes(out)


for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    stripped = strip(data)
    if stripped != data:
        with open(path, "wb") as f:
            f.write(stripped)
