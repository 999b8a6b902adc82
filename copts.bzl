"""Compiler options shared by every project target (one place, as tcmalloc's copts.bzl)."""

SVL_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
]

SVL_TEST_COPTS = SVL_COPTS + [
    "-Wno-sign-compare",
]
