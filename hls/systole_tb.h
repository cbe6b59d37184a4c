// systole HLS library: what the test bench needs besides the layers. numpy .npy files (version
// 1 to 3, C order, int8 '|i1' or little-endian int32 '<i4'), which is how the Java simulator
// writes the inputs, golden outputs and large weight arrays, and the description of one case.
#ifndef SYSTOLE_TB_H
#define SYSTOLE_TB_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "systole_array.h"

namespace systole_tb {

// One exported layer: its files and a call of its top function. weights is null when the layer's
// weights are compiled into the top function.
struct Case {
    const char* name;     // the layer's name in the network
    const char* top;      // its top function
    const char* input;    // .npy, (batch, in_c, in_h, in_w)
    const char* golden;   // .npy, the Java simulator's output (batch, out_c, out_h, out_w)
    const char* weights;  // .npy, (out_c, k), or nullptr
    long input_elements;
    long output_elements;
    long weight_elements;
    void (*run)(const systole::data_t* in, systole::data_t* out, const systole::data_t* weights);
};

// Reads an .npy file of int8 or int32 values into `values`; on failure returns false and says why in `error`.
inline bool read_npy(const char* path, std::vector<int64_t>& values, std::string& error) {
    FILE* f = std::fopen(path, "rb");
    if (f == nullptr) {
        error = std::string(path) + ": cannot open";
        return false;
    }
    unsigned char magic[8];
    bool ok = std::fread(magic, 1, 8, f) == 8 && magic[0] == 0x93 && std::string((char*)magic + 1, 5) == "NUMPY";
    unsigned long header_len = 0;
    if (ok && magic[6] == 1) {
        unsigned char b[2];
        ok = std::fread(b, 1, 2, f) == 2;
        header_len = b[0] | (unsigned long)b[1] << 8;
    } else if (ok && (magic[6] == 2 || magic[6] == 3)) {
        unsigned char b[4];
        ok = std::fread(b, 1, 4, f) == 4;
        header_len = b[0] | (unsigned long)b[1] << 8 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 24;
    } else {
        ok = false;
    }
    if (!ok) {
        std::fclose(f);
        error = std::string(path) + ": not an .npy file";
        return false;
    }
    std::string header(header_len, ' ');
    if (std::fread(&header[0], 1, header_len, f) != header_len) {
        std::fclose(f);
        error = std::string(path) + ": truncated header";
        return false;
    }
    int bytes = header.find("'|i1'") != std::string::npos ? 1 : header.find("'<i4'") != std::string::npos ? 4 : 0;
    if (bytes == 0 || header.find("'fortran_order': False") == std::string::npos) {
        std::fclose(f);
        error = std::string(path) + ": expected a C-order int8 or int32 array, header " + header;
        return false;
    }
    size_t open = header.find("'shape': (");
    size_t close = header.find(')', open);
    long count = 1;
    std::string dims = open == std::string::npos || close == std::string::npos ? "" : header.substr(open + 10, close - open - 10);
    for (size_t p = 0; p < dims.size();) {
        size_t comma = dims.find(',', p);
        std::string d = dims.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
        if (d.find_first_of("0123456789") != std::string::npos) {
            count *= std::stol(d);
        }
        p = comma == std::string::npos ? dims.size() : comma + 1;
    }
    std::vector<unsigned char> raw((size_t)count * bytes);
    bool complete = std::fread(raw.data(), 1, raw.size(), f) == raw.size();
    std::fclose(f);
    if (!complete) {
        error = std::string(path) + ": truncated data, expected " + std::to_string(count) + " values";
        return false;
    }
    values.resize(count);
    for (long i = 0; i < count; i++) {
        if (bytes == 1) {
            values[i] = (int8_t)raw[i];
        } else {
            uint32_t u = raw[4 * i] | (uint32_t)raw[4 * i + 1] << 8 | (uint32_t)raw[4 * i + 2] << 16
                    | (uint32_t)raw[4 * i + 3] << 24;
            values[i] = (int32_t)u;
        }
    }
    return true;
}

// Reads an .npy file that must hold `expected` values into data_t.
inline bool read_data(const char* path, long expected, std::vector<systole::data_t>& out, std::string& error) {
    std::vector<int64_t> v;
    if (!read_npy(path, v, error)) {
        return false;
    }
    if ((long)v.size() != expected) {
        error = std::string(path) + ": holds " + std::to_string(v.size()) + " values, expected "
                + std::to_string(expected);
        return false;
    }
    out.assign(v.begin(), v.end());
    return true;
}

} // namespace systole_tb

#endif
