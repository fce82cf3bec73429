// Tensor creation, queries and the forward ops. Op codes are mirrored by
// Portal.Ml/Native/OpCodes.cs; keep both lists in the same order.
#include <cstring>
#include "shim_internal.h"

using portal::T;

extern "C" {

pt_tensor pt_from_data(const void* data, const int64_t* shape, int ndim, int dtype) {
  // Copied, never aliased: the managed buffer may move or die after this call.
  PT_TENSOR(at::from_blob(const_cast<void*>(data), portal::dims_of(shape, ndim),
                          at::TensorOptions().dtype(portal::dtype_of(dtype))).clone())
}

static at::Tensor create(int kind, at::IntArrayRef shape, double value, const at::TensorOptions& o) {
  switch (kind) {
    case 0: return at::zeros(shape, o);
    case 1: return at::ones(shape, o);
    case 2: return at::randn(shape, o);
    case 3: return at::full(shape, value, o);
    case 4: return at::rand(shape, o);
    case 5: return at::empty(shape, o);
    case 6: return at::randint(static_cast<int64_t>(value), shape, o);
    default: throw std::invalid_argument("unknown creation kind");
  }
}

pt_tensor pt_create(int kind, const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index) {
  PT_TENSOR(create(kind, portal::dims_of(shape, ndim), value,
                   at::TensorOptions().dtype(portal::dtype_of(dtype)).device(portal::device_of(device_type, device_index))))
}

pt_tensor pt_like(int kind, pt_tensor t, double value) {
  PT_TENSOR(create(kind, T(t).sizes(), value, T(t).options()))
}

pt_tensor pt_arange(double start, double end, double step, int dtype, int device_type, int device_index) {
  PT_TENSOR(at::arange(start, end, step,
                       at::TensorOptions().dtype(portal::dtype_of(dtype)).device(portal::device_of(device_type, device_index))))
}

int pt_dim(pt_tensor t) { return static_cast<int>(T(t).dim()); }
int pt_shape(pt_tensor t, int64_t* out) {
  auto sizes = T(t).sizes();
  std::memcpy(out, sizes.data(), sizes.size() * sizeof(int64_t));
  return 0;
}
int pt_dtype(pt_tensor t) { return static_cast<int>(T(t).scalar_type()); }
int pt_device_type(pt_tensor t) { return T(t).is_cuda() ? 1 : 0; }
int pt_device_index(pt_tensor t) { return T(t).is_cuda() ? T(t).device().index() : -1; }
int64_t pt_numel(pt_tensor t) { return T(t).numel(); }

int pt_item(pt_tensor t, double* out) { PT_STATUS(*out = T(t).item<double>()) }

int pt_copy_out(pt_tensor t, void* dst, int64_t nbytes) {
  PT_STATUS({
    at::Tensor c = T(t).detach().to(at::kCPU).contiguous();
    if (static_cast<int64_t>(c.nbytes()) != nbytes) throw std::invalid_argument("copy_out: destination size does not match the tensor");
    std::memcpy(dst, c.data_ptr(), static_cast<size_t>(nbytes));
  })
}

int pt_copy_in(pt_tensor dst, const void* src, int64_t nbytes) {
  PT_STATUS({
    at::Tensor& d = T(dst);
    if (static_cast<int64_t>(d.nbytes()) != nbytes) throw std::invalid_argument("copy_in: source size does not match the tensor");
    at::NoGradGuard no_grad;
    d.copy_(at::from_blob(const_cast<void*>(src), d.sizes(), at::TensorOptions().dtype(d.scalar_type())));
  })
}

static at::Tensor unary(int op, const at::Tensor& t) {
  switch (op) {
    case 0: return t.neg();
    case 1: return t.exp();
    case 2: return t.log();
    case 3: return t.sqrt();
    case 4: return t.rsqrt();
    case 5: return t.tanh();
    case 6: return at::silu(t);
    case 7: return t.relu();
    case 8: return t.sigmoid();
    case 9: return t.abs();
    case 10: return t.contiguous();
    case 11: return t.clone();
    case 12: return t.detach();
    case 13: return t.logical_not();
    case 14: return t.square();
    case 15: return at::alias(t);
    default: throw std::invalid_argument("unknown unary op");
  }
}
pt_tensor pt_unary(int op, pt_tensor t) { PT_TENSOR(unary(op, T(t))) }

static at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return a.add(b);
    case 1: return a.sub(b);
    case 2: return a.mul(b);
    case 3: return a.div(b);
    case 4: return a.pow(b);
    case 5: return a.matmul(b);
    case 6: return a.bmm(b);
    case 7: return at::maximum(a, b);
    case 8: return at::minimum(a, b);
    case 9: return a.eq(b);
    case 10: return a.ne(b);
    case 11: return a.lt(b);
    case 12: return a.le(b);
    case 13: return a.gt(b);
    case 14: return a.ge(b);
    case 15: return a.logical_and(b);
    case 16: return a.logical_or(b);
    default: throw std::invalid_argument("unknown binary op");
  }
}
pt_tensor pt_binary(int op, pt_tensor a, pt_tensor b) { PT_TENSOR(binary(op, T(a), T(b))) }

static at::Tensor scalar_op(int op, const at::Tensor& t, double s) {
  switch (op) {
    case 0: return t.add(s);
    case 1: return t.sub(s);
    case 2: return t.mul(s);
    case 3: return t.div(s);
    case 4: return t.pow(s);
    case 5: return at::rsub(t, s);
    case 6: return t.reciprocal().mul(s);
    case 7: return t.eq(s);
    case 8: return t.ne(s);
    case 9: return t.lt(s);
    case 10: return t.le(s);
    case 11: return t.gt(s);
    case 12: return t.ge(s);
    case 13: return t.clamp_min(s);
    case 14: return t.clamp_max(s);
    default: throw std::invalid_argument("unknown scalar op");
  }
}
pt_tensor pt_scalar_op(int op, pt_tensor t, double s) { PT_TENSOR(scalar_op(op, T(t), s)) }

static at::Tensor reduce(int op, const at::Tensor& t, at::IntArrayRef dims, bool keepdim) {
  const bool all = dims.empty();
  switch (op) {
    case 0: return all ? t.sum() : t.sum(dims, keepdim);
    case 1: return all ? t.mean() : t.mean(dims, keepdim);
    case 2: return all ? t.max() : t.amax(dims, keepdim);
    case 3: return all ? t.min() : t.amin(dims, keepdim);
    default: throw std::invalid_argument("unknown reduction");
  }
}
pt_tensor pt_reduce(int op, pt_tensor t, const int64_t* dims, int ndims, int keepdim) {
  PT_TENSOR(reduce(op, T(t), portal::dims_of(dims, ndims), keepdim != 0))
}

pt_tensor pt_softmax(pt_tensor t, int64_t dim, int log) {
  PT_TENSOR(log ? T(t).log_softmax(dim) : T(t).softmax(dim))
}

pt_tensor pt_gelu(pt_tensor t, int tanh_approximation) {
  PT_TENSOR(at::gelu(T(t), tanh_approximation ? "tanh" : "none"))
}

pt_tensor pt_cross_entropy(pt_tensor logits, pt_tensor targets, int64_t ignore_index, int reduction) {
  PT_TENSOR(at::cross_entropy_loss(T(logits), T(targets), c10::nullopt, reduction, ignore_index, 0.0))
}

pt_tensor pt_layer_norm(pt_tensor x, int64_t normalized_dims, pt_tensor weight, pt_tensor bias, double eps) {
  PT_TENSOR(([&] {
    auto sizes = T(x).sizes();
    std::vector<int64_t> shape(sizes.end() - normalized_dims, sizes.end());
    return at::layer_norm(T(x), shape, portal::optional_tensor(weight), portal::optional_tensor(bias), eps, true);
  }()))
}

pt_tensor pt_embedding(pt_tensor weight, pt_tensor indices) { PT_TENSOR(at::embedding(T(weight), T(indices))) }

pt_tensor pt_dropout(pt_tensor x, double p, int train) { PT_TENSOR(at::dropout(T(x), p, train != 0)) }

pt_tensor pt_linear(pt_tensor x, pt_tensor weight, pt_tensor bias) {
  PT_TENSOR(at::linear(T(x), T(weight), portal::optional_tensor(bias)))
}

pt_tensor pt_reshape(pt_tensor t, const int64_t* shape, int ndim, int view) {
  PT_TENSOR(view ? T(t).view(portal::dims_of(shape, ndim)) : T(t).reshape(portal::dims_of(shape, ndim)))
}
pt_tensor pt_expand(pt_tensor t, const int64_t* shape, int ndim) { PT_TENSOR(T(t).expand(portal::dims_of(shape, ndim))) }
pt_tensor pt_permute(pt_tensor t, const int64_t* dims, int ndim) { PT_TENSOR(T(t).permute(portal::dims_of(dims, ndim))) }
pt_tensor pt_transpose(pt_tensor t, int64_t d0, int64_t d1) { PT_TENSOR(T(t).transpose(d0, d1)) }
pt_tensor pt_unsqueeze(pt_tensor t, int64_t dim) { PT_TENSOR(T(t).unsqueeze(dim)) }
pt_tensor pt_squeeze(pt_tensor t, int64_t dim) { PT_TENSOR(T(t).squeeze(dim)) }
pt_tensor pt_narrow(pt_tensor t, int64_t dim, int64_t start, int64_t length) { PT_TENSOR(T(t).narrow(dim, start, length)) }

pt_tensor pt_cat(const pt_tensor* ts, int n, int64_t dim) {
  PT_TENSOR(([&] {
    std::vector<at::Tensor> parts;
    parts.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) parts.push_back(T(ts[i]));
    return at::cat(parts, dim);
  }()))
}

pt_tensor pt_index_select(pt_tensor t, int64_t dim, pt_tensor index) { PT_TENSOR(T(t).index_select(dim, T(index))) }
pt_tensor pt_gather(pt_tensor t, int64_t dim, pt_tensor index) { PT_TENSOR(T(t).gather(dim, T(index))) }
pt_tensor pt_masked_fill(pt_tensor t, pt_tensor mask, double value) { PT_TENSOR(T(t).masked_fill(T(mask), value)) }
pt_tensor pt_triangle(pt_tensor t, int64_t diagonal, int upper) { PT_TENSOR(upper ? T(t).triu(diagonal) : T(t).tril(diagonal)) }
pt_tensor pt_where(pt_tensor cond, pt_tensor a, pt_tensor b) { PT_TENSOR(at::where(T(cond), T(a), T(b))) }

int pt_topk(pt_tensor t, int64_t k, int64_t dim, int largest, pt_tensor* values, pt_tensor* indices) {
  PT_STATUS({
    auto result = T(t).topk(k, dim, largest != 0, true);
    *values = portal::wrap(std::move(std::get<0>(result)));
    *indices = portal::wrap(std::move(std::get<1>(result)));
  })
}

pt_tensor pt_argmax(pt_tensor t, int64_t dim, int keepdim) { PT_TENSOR(T(t).argmax(dim, keepdim != 0)) }
pt_tensor pt_multinomial(pt_tensor probs, int64_t n, int replacement) { PT_TENSOR(T(probs).multinomial(n, replacement != 0)) }
pt_tensor pt_to_dtype(pt_tensor t, int dtype) { PT_TENSOR(T(t).to(portal::dtype_of(dtype))) }
pt_tensor pt_to_device(pt_tensor t, int device_type, int device_index) {
  PT_TENSOR(T(t).to(portal::device_of(device_type, device_index)))
}

}  // extern "C"
