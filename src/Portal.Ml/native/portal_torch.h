// C surface of the Portal tensor engine. Every function is extern "C", takes and
// returns opaque handles, and never lets a C++ exception escape: on failure a
// tensor-returning function returns NULL and a status-returning one returns -1,
// and pt_last_error() tells why (per thread).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PT_API __attribute__((visibility("default")))

typedef void* pt_tensor;

PT_API const char* pt_last_error(void);
PT_API int64_t pt_live_tensor_count(void);
PT_API void pt_free(pt_tensor t);

// runtime
PT_API int pt_manual_seed(uint64_t seed);
PT_API int pt_set_num_threads(int n);
PT_API int pt_get_num_threads(void);
PT_API int pt_cuda_is_available(void);
PT_API int pt_cuda_device_count(void);
PT_API int pt_cuda_synchronize(int device_index);
PT_API int pt_set_grad_enabled(int enabled); // returns the previous state
PT_API int pt_torch_version_major(void);

// creation
PT_API pt_tensor pt_from_data(const void* data, const int64_t* shape, int ndim, int dtype);
PT_API pt_tensor pt_create(int kind, const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index);
PT_API pt_tensor pt_arange(double start, double end, double step, int dtype, int device_type, int device_index);
PT_API pt_tensor pt_like(int kind, pt_tensor t, double value);

// queries and copy-out
PT_API int pt_dim(pt_tensor t);
PT_API int pt_shape(pt_tensor t, int64_t* out);
PT_API int pt_dtype(pt_tensor t);
PT_API int pt_device_type(pt_tensor t);
PT_API int pt_device_index(pt_tensor t);
PT_API int64_t pt_numel(pt_tensor t);
PT_API int pt_item(pt_tensor t, double* out);
PT_API int pt_copy_out(pt_tensor t, void* dst, int64_t nbytes);
PT_API int pt_copy_in(pt_tensor dst, const void* src, int64_t nbytes);

// math
PT_API pt_tensor pt_unary(int op, pt_tensor t);
PT_API pt_tensor pt_binary(int op, pt_tensor a, pt_tensor b);
PT_API pt_tensor pt_scalar_op(int op, pt_tensor t, double s);
PT_API pt_tensor pt_reduce(int op, pt_tensor t, const int64_t* dims, int ndims, int keepdim);
PT_API pt_tensor pt_softmax(pt_tensor t, int64_t dim, int log);
PT_API pt_tensor pt_gelu(pt_tensor t, int tanh_approximation);
PT_API pt_tensor pt_cross_entropy(pt_tensor logits, pt_tensor targets, int64_t ignore_index, int reduction);
PT_API pt_tensor pt_layer_norm(pt_tensor x, int64_t normalized_dims, pt_tensor weight, pt_tensor bias, double eps);
PT_API pt_tensor pt_embedding(pt_tensor weight, pt_tensor indices);
PT_API pt_tensor pt_dropout(pt_tensor x, double p, int train);
PT_API pt_tensor pt_linear(pt_tensor x, pt_tensor weight, pt_tensor bias);

// shape and indexing
PT_API pt_tensor pt_reshape(pt_tensor t, const int64_t* shape, int ndim, int view);
PT_API pt_tensor pt_expand(pt_tensor t, const int64_t* shape, int ndim);
PT_API pt_tensor pt_permute(pt_tensor t, const int64_t* dims, int ndim);
PT_API pt_tensor pt_transpose(pt_tensor t, int64_t d0, int64_t d1);
PT_API pt_tensor pt_unsqueeze(pt_tensor t, int64_t dim);
PT_API pt_tensor pt_squeeze(pt_tensor t, int64_t dim);
PT_API pt_tensor pt_narrow(pt_tensor t, int64_t dim, int64_t start, int64_t length);
PT_API pt_tensor pt_cat(const pt_tensor* ts, int n, int64_t dim);
PT_API pt_tensor pt_index_select(pt_tensor t, int64_t dim, pt_tensor index);
PT_API pt_tensor pt_gather(pt_tensor t, int64_t dim, pt_tensor index);
PT_API pt_tensor pt_masked_fill(pt_tensor t, pt_tensor mask, double value);
PT_API pt_tensor pt_triangle(pt_tensor t, int64_t diagonal, int upper);
PT_API pt_tensor pt_where(pt_tensor cond, pt_tensor a, pt_tensor b);
PT_API int pt_topk(pt_tensor t, int64_t k, int64_t dim, int largest, pt_tensor* values, pt_tensor* indices);
PT_API pt_tensor pt_argmax(pt_tensor t, int64_t dim, int keepdim);
PT_API pt_tensor pt_multinomial(pt_tensor probs, int64_t n, int replacement);
PT_API pt_tensor pt_to_dtype(pt_tensor t, int dtype);
PT_API pt_tensor pt_to_device(pt_tensor t, int device_type, int device_index);

// autograd
PT_API int pt_set_requires_grad(pt_tensor t, int requires);
PT_API int pt_requires_grad(pt_tensor t);
PT_API int pt_backward(pt_tensor t);
PT_API pt_tensor pt_grad(pt_tensor t); // NULL with an empty pt_last_error() when no grad
PT_API int pt_zero_grad(const pt_tensor* params, int n);

// in-place (never recorded by autograd)
PT_API int pt_inplace(int op, pt_tensor t, double a, double b);
PT_API int pt_copy_from(pt_tensor dst, pt_tensor src);
// Moves/casts a tensor in place (same handle, new storage): how modules move their parameters.
PT_API int pt_move_in_place(pt_tensor t, int dtype, int device_type, int device_index);

// optimisation
PT_API int pt_adamw_step(const pt_tensor* params, const pt_tensor* exp_avg, const pt_tensor* exp_avg_sq, int n,
                         double lr, double beta1, double beta2, double eps, double weight_decay, int64_t step);
PT_API int pt_clip_grad_norm(const pt_tensor* params, int n, double max_norm, double* total_norm);

#ifdef __cplusplus
}
#endif
