// Checks hls/systole_arith.h against vectors computed by io.systole.arith (ArithMirrorTest):
// one operation per line, its arguments, then the Java result. Prints the first line whose
// result differs and exits 1, else the number of vectors and PASS.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "systole_arith.h"

using namespace systole;

static FixedFormat format(std::istringstream& in) {
    int w, i, q, o;
    in >> w >> i >> q >> o;
    return FixedFormat{w, i, (Rounding)q, (Overflow)o};
}

int main(int argc, char** argv) {
    std::ifstream file(argc > 1 ? argv[1] : "vectors.txt");
    std::string line;
    long n = 0;
    while (std::getline(file, line)) {
        std::istringstream in(line);
        std::string op;
        in >> op;
        long long got = 0;
        if (op == "rescale") {
            FixedFormat f = format(in);
            long long raw;
            int from;
            in >> raw >> from;
            got = fixed_rescale(f, raw, from);
        } else if (op == "add") {
            FixedFormat f = format(in);
            long long a, b;
            in >> a >> b;
            got = fixed_add(f, a, b);
        } else if (op == "divide") {
            int q;
            long long num, den;
            int shift;
            in >> q >> num >> den >> shift;
            got = round_divide((Rounding)q, num, den, shift);
        } else if (op == "finish") {
            FixedFormat acc = format(in);
            FixedFormat out = format(in);
            long long a, b;
            int relu;
            in >> a >> b >> relu;
            got = fixed_finish(acc, out, a, b, relu != 0);
        } else if (op == "pooldiv") {
            FixedFormat sum = format(in);
            FixedFormat out = format(in);
            long long s;
            int count;
            in >> s >> count;
            got = fixed_pool_divide(sum, out, s, count);
        } else if (op == "i8acc") {
            int bits, sat;
            long long acc, addend;
            in >> bits >> sat >> acc >> addend;
            got = int8_accumulate(bits, sat != 0, (int32_t)acc, (int32_t)addend);
        } else if (op == "srdhm") {
            long long a, b;
            in >> a >> b;
            got = saturating_rounding_doubling_high_mul((int32_t)a, (int32_t)b);
        } else if (op == "rdbpot") {
            long long x;
            int e;
            in >> x >> e;
            got = rounding_divide_by_pot((int32_t)x, e);
        } else if (op == "requant") {
            long long acc, m;
            int shift, zp, lo, hi;
            in >> acc >> m >> shift >> zp >> lo >> hi;
            got = requantize((int32_t)acc, (int32_t)m, shift, zp, lo, hi);
        } else if (op == "requantf") {
            long long acc;
            uint32_t bits;
            int zp, lo, hi;
            in >> acc >> bits >> zp >> lo >> hi;
            float scale;
            std::memcpy(&scale, &bits, sizeof scale);
            got = requantize_float((int32_t)acc, scale, zp, lo, hi);
        } else if (op == "pooldiv8") {
            long long sum;
            int count;
            in >> sum >> count;
            got = int8_pool_divide((int32_t)sum, count);
        } else {
            std::printf("unknown operation in line %ld: %s\nFAIL\n", n + 1, line.c_str());
            return 1;
        }
        std::string arrow;
        long long expected;
        in >> arrow >> expected;
        if (!in || arrow != "->") {
            std::printf("malformed line %ld: %s\nFAIL\n", n + 1, line.c_str());
            return 1;
        }
        if (got != expected) {
            std::printf("line %ld: %s, got %lld\nFAIL\n", n + 1, line.c_str(), got);
            return 1;
        }
        n++;
    }
    std::printf("%ld vectors\nPASS\n", n);
    return n > 0 ? 0 : 1;
}
