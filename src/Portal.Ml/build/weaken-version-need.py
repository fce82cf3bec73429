#!/usr/bin/env python3
"""Sets VER_FLG_WEAK on one version need of an ELF64 little-endian shared object, in place.

glibc's loader then tolerates the version's absence instead of refusing to load the object
(dl-version.c: "weak version not found" is only reported by ldd --verify). patchelf has no option for it.
Usage: weaken-version-need.py FILE VERSION
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> None:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for _, sh_type, _, _, offset, _, link, info, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            entry = offset
            for _ in range(info):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
                aux_at = entry + aux
                for _ in range(cnt):
                    _, flags, _, name, aux_next = struct.unpack_from("<IHHII", data, aux_at)
                    end = data.index(b"\0", strtab + name)
                    if data[strtab + name:end].decode() == version:
                        struct.pack_into("<H", data, aux_at + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    aux_at += aux_next
                entry += nxt
        if changed == 0:
            sys.exit(f"{path}: no version need named {version}")
        f.seek(0)
        f.write(data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
