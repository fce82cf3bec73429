namespace Portal.Ml.Interop;

// Mirrors the switch statements in native/tensors.cpp and native/runtime.cpp; keep the order.
internal enum UnaryOp { Neg, Exp, Log, Sqrt, Rsqrt, Tanh, Silu, Relu, Sigmoid, Abs, Contiguous, Clone, Detach, LogicalNot, Square, Alias }

internal enum BinaryOp { Add, Sub, Mul, Div, Pow, Matmul, Bmm, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr }

internal enum ScalarOp { Add, Sub, Mul, Div, Pow, ReverseSub, ReverseDiv, Eq, Ne, Lt, Le, Gt, Ge, ClampMin, ClampMax }

internal enum ReduceOp { Sum, Mean, Max, Min }

internal enum CreateKind { Zeros, Ones, Randn, Full, Rand, Empty, RandInt }

internal enum InPlaceOp { Uniform, Normal, Fill, Zero, MulScalar, AddScalar }
