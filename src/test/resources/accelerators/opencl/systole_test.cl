// Small kernels for the OpenCL infrastructure tests: float, integer and local memory.
#pragma OPENCL FP_CONTRACT OFF

// y[i] = fma(a, x[i], y[i]) for i < n; Java: Math.fma(a, x[i], y[i]).
__kernel void saxpy(const int n, const float a, __global const float *x, __global float *y) {
  const int i = get_global_id(0);
  if (i < n) {
    y[i] = fma(a, x[i], y[i]);
  }
}

// out[i] = a[i] * b[i] + (a[i] >>> 3), wrapping modulo 2^32 like Java's int.
__kernel void mul_add(const int n, __global const int *a, __global const int *b,
                      __global int *out) {
  const int i = get_global_id(0);
  if (i < n) {
    out[i] = (int) ((uint) a[i] * (uint) b[i] + ((uint) a[i] >> 3));
  }
}

// sums[g] = x summed over work-group g in index order, staged in local memory.
__kernel void group_sum(__global const int *x, __global int *sums, __local int *scratch) {
  const int l = get_local_id(0);
  scratch[l] = x[get_global_id(0)];
  barrier(CLK_LOCAL_MEM_FENCE);
  if (l == 0) {
    int sum = 0;
    for (int k = 0; k < (int) get_local_size(0); k++) {
      sum += scratch[k];
    }
    sums[get_group_id(0)] = sum;
  }
}
