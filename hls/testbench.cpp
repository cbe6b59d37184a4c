// systole HLS test bench: runs every exported layer's top function on the input the Java
// simulator used and compares its output with the simulator's, value by value. Prints one line
// per layer and PASS, or the first differing index with both values and FAIL; exits 0 or 1.
// Arguments, if any, name the layers to run by layer name or top function (default: all).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "systole_tb.h"
#include "testbench_cases.h"

static bool selected(int argc, char** argv, const systole_tb::Case& c) {
    if (argc < 2) {
        return true;
    }
    for (int a = 1; a < argc; a++) {
        if (std::strcmp(argv[a], c.name) == 0 || std::strcmp(argv[a], c.top) == 0) {
            return true;
        }
    }
    return false;
}

int main(int argc, char** argv) {
    bool pass = true;
    int ran = 0;
    for (const systole_tb::Case& c : systole_tb::CASES) {
        if (!selected(argc, argv, c)) {
            continue;
        }
        ran++;
        std::string error;
        std::vector<systole::data_t> in;
        std::vector<systole::data_t> golden;
        std::vector<systole::data_t> weights;
        if (!systole_tb::read_data(c.input, c.input_elements, in, error)
                || !systole_tb::read_data(c.golden, c.output_elements, golden, error)
                || (c.weights != nullptr && !systole_tb::read_data(c.weights, c.weight_elements, weights, error))) {
            std::printf("%s: ERROR %s\n", c.name, error.c_str());
            pass = false;
            continue;
        }
        std::vector<systole::data_t> out(golden.size());
        c.run(in.data(), out.data(), c.weights != nullptr ? weights.data() : nullptr);
        long first = -1;
        for (long i = 0; i < (long)out.size(); i++) {
            if (out[i] != golden[i]) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            std::printf("%s: PASS (%ld values equal the Java simulator's)\n", c.name, (long)out.size());
        } else {
            std::printf("%s: FAIL at index %ld: expected %ld, got %ld\n", c.name, first, (long)golden[first],
                        (long)out[first]);
            pass = false;
        }
    }
    if (ran == 0) {
        std::printf("no layer selected\n");
        pass = false;
    }
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
