// Helpers shared by the translation units of the shim; never exposed to .NET.
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <string>
#include <vector>
#include "portal_torch.h"

namespace portal {

extern std::atomic<int64_t> live_tensors;
void set_error(const std::string& message);
void clear_error();

inline at::Tensor& T(pt_tensor h) { return *static_cast<at::Tensor*>(h); }

inline pt_tensor wrap(at::Tensor&& t) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(t));
}

inline at::IntArrayRef dims_of(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

inline c10::optional<at::Tensor> optional_tensor(pt_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return T(h);
}

inline at::Device device_of(int type, int index) {
  return type == 1 ? at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index)) : at::Device(at::kCPU);
}

// The dtype codes are c10::ScalarType values (the same numbers TorchSharp uses).
inline at::ScalarType dtype_of(int code) { return static_cast<at::ScalarType>(code); }

}  // namespace portal

// Runs body, converting any exception into the thread's last error and NULL.
#define PT_TENSOR(body)                                   \
  try {                                                   \
    portal::clear_error();                                \
    return portal::wrap(body);                            \
  } catch (const std::exception& e) {                     \
    portal::set_error(e.what());                          \
  } catch (...) {                                         \
    portal::set_error("unknown native error");            \
  }                                                       \
  return nullptr;

// Runs statements, converting any exception into the thread's last error and -1.
#define PT_STATUS(statements)                             \
  try {                                                   \
    portal::clear_error();                                \
    statements;                                           \
    return 0;                                             \
  } catch (const std::exception& e) {                     \
    portal::set_error(e.what());                          \
  } catch (...) {                                         \
    portal::set_error("unknown native error");            \
  }                                                       \
  return -1;
