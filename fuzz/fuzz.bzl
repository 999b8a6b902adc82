"""svl_cc_fuzz: one libFuzzer target, built three ways (after Envoy's envoy_cc_fuzz_test).

svl_cc_fuzz(name = "x_fuzzer", srcs = ["x_fuzzer.cc"], deps = [...]) defines
  x_fuzzer_lib   the target's LLVMFuzzerTestOneInput, as a library;
  x_fuzzer_test  a cc_test that replays every file of x_fuzzer_corpus/ through
                 it in the ordinary gcc `bazel test //...` (fails on an empty
                 corpus);
  x_fuzzer       the fuzzing binary: libFuzzer's main under --config=fuzz,
                 the replay main otherwise (tagged manual; tools/fuzz builds it).
The dictionary x_fuzzer.dict and corpus x_fuzzer_corpus/ sit beside the source.
"""

load("//:copts.bzl", "SVL_TEST_COPTS")

def svl_cc_fuzz(name, srcs, deps):
    corpus = name + "_corpus"
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        copts = SVL_TEST_COPTS,
        deps = deps,
        alwayslink = True,
    )
    native.cc_test(
        name = name + "_test",
        size = "small",
        deps = [
            ":" + name + "_lib",
            ":replay_main",
        ],
        data = native.glob([corpus + "/**"]) + [name + ".dict"],
        args = [native.package_name() + "/" + corpus],
    )
    native.cc_binary(
        name = name,
        testonly = True,
        deps = [":" + name + "_lib"] + select({
            "//:fuzzing": [],
            "//conditions:default": [":replay_main"],
        }),
        linkopts = select({
            "//:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        tags = ["manual"],
    )
