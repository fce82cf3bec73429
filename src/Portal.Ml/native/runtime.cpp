// Error reporting, handle lifetime, runtime switches, autograd and the
// optimiser step. Optimiser state lives in tensors owned by .NET so that
// checkpoints can save it like any other tensor.
#include <cmath>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>
#include "shim_internal.h"

using portal::T;

namespace portal {
std::atomic<int64_t> live_tensors{0};
static thread_local std::string last_error;
void set_error(const std::string& message) { last_error = message.empty() ? "native error" : message; }
void clear_error() { last_error.clear(); }
}  // namespace portal

extern "C" {

const char* pt_last_error(void) { return portal::last_error.c_str(); }
int64_t pt_live_tensor_count(void) { return portal::live_tensors.load(std::memory_order_relaxed); }

void pt_free(pt_tensor t) {
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  portal::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

int pt_manual_seed(uint64_t seed) { PT_STATUS(torch::manual_seed(seed)) }
int pt_set_num_threads(int n) { PT_STATUS(at::set_num_threads(n)) }
int pt_get_num_threads(void) { return at::get_num_threads(); }
int pt_cuda_is_available(void) {
  try { return torch::cuda::is_available() ? 1 : 0; } catch (...) { return 0; }
}
int pt_cuda_device_count(void) {
  try { return static_cast<int>(torch::cuda::device_count()); } catch (...) { return 0; }
}
int pt_cuda_synchronize(int device_index) { PT_STATUS(torch::cuda::synchronize(device_index)) }
int pt_set_grad_enabled(int enabled) {
  const bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}
int pt_torch_version_major(void) { return TORCH_VERSION_MAJOR; }

int pt_set_requires_grad(pt_tensor t, int requires) { PT_STATUS(T(t).set_requires_grad(requires != 0)) }
int pt_requires_grad(pt_tensor t) { return T(t).requires_grad() ? 1 : 0; }
int pt_backward(pt_tensor t) { PT_STATUS(T(t).backward()) }

pt_tensor pt_grad(pt_tensor t) {
  portal::clear_error();
  const at::Tensor& g = T(t).grad();
  if (!g.defined()) return nullptr;
  return portal::wrap(at::Tensor(g));
}

int pt_zero_grad(const pt_tensor* params, int n) {
  PT_STATUS(for (int i = 0; i < n; ++i) T(params[i]).mutable_grad().reset())
}

int pt_inplace(int op, pt_tensor t, double a, double b) {
  PT_STATUS({
    at::NoGradGuard no_grad;
    at::Tensor& x = T(t);
    switch (op) {
      case 0: x.uniform_(a, b); break;
      case 1: x.normal_(a, b); break;
      case 2: x.fill_(a); break;
      case 3: x.zero_(); break;
      case 4: x.mul_(a); break;
      case 5: x.add_(a); break;
      default: throw std::invalid_argument("unknown in-place op");
    }
  })
}

int pt_copy_from(pt_tensor dst, pt_tensor src) {
  PT_STATUS({
    at::NoGradGuard no_grad;
    T(dst).copy_(T(src));
  })
}

int pt_move_in_place(pt_tensor t, int dtype, int device_type, int device_index) {
  PT_STATUS({
    at::NoGradGuard no_grad;
    at::Tensor& x = T(t);
    const at::ScalarType type = dtype < 0 ? x.scalar_type() : portal::dtype_of(dtype);
    x.set_data(x.to(portal::device_of(device_type, device_index), type));
  })
}

// Same arithmetic as torch.optim.AdamW (amsgrad off, single-tensor path).
int pt_adamw_step(const pt_tensor* params, const pt_tensor* exp_avg, const pt_tensor* exp_avg_sq, int n,
                  double lr, double beta1, double beta2, double eps, double weight_decay, int64_t step) {
  PT_STATUS({
    at::NoGradGuard no_grad;
    const double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
    const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
    const double step_size = lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = T(params[i]);
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      at::Tensor& m = T(exp_avg[i]);
      at::Tensor& v = T(exp_avg_sq[i]);
      p.mul_(1.0 - lr * weight_decay);
      m.lerp_(g, 1.0 - beta1);
      v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
      at::Tensor denom = (v.sqrt() / bias_correction2_sqrt).add_(eps);
      p.addcdiv_(m, denom, -step_size);
    }
  })
}

int pt_clip_grad_norm(const pt_tensor* params, int n, double max_norm, double* total_norm) {
  PT_STATUS({
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> norms;
    for (int i = 0; i < n; ++i) {
      const at::Tensor& g = T(params[i]).grad();
      if (g.defined()) norms.push_back(g.norm(2));
    }
    if (norms.empty()) { *total_norm = 0.0; return 0; }
    at::Tensor total = at::stack(norms).norm(2);
    *total_norm = total.item<double>();
    const double coefficient = max_norm / (*total_norm + 1e-6);
    if (coefficient < 1.0)
      for (int i = 0; i < n; ++i) {
        at::Tensor g = T(params[i]).grad();
        if (g.defined()) g.mul_(coefficient);
      }
  })
}

}  // extern "C"
