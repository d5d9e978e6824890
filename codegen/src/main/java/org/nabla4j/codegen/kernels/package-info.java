/**
 * Runtime kernels that compiled programs call instead of emitting loops: today the matmul
 * ({@code dot_general}) kernel, a packed, register-tiled Vector API GEMM for f32 and f64 with a
 * fused epilogue.
 *
 * <p>Entry point: {@link org.nabla4j.codegen.kernels.Gemm}. What to compute is a
 * {@link org.nabla4j.codegen.kernels.MatmulSpec} (shape, layouts, strides, batch,
 * {@link org.nabla4j.codegen.kernels.Epilogue}, thread count), built once per compiled program;
 * each call passes only the arrays and their offsets.
 *
 * <p>Vector width: the system property {@code nabla.vectorBits} ({@code scalar}, {@code 128},
 * {@code 256} or {@code 512}), read once when the package is first used, chooses the width of
 * {@link org.nabla4j.codegen.kernels.Gemm#preferred()}; unset, it is the machine's preferred
 * width, or scalar when the {@code jdk.incubator.vector} module is not in the module graph.
 * {@link org.nabla4j.codegen.kernels.Gemm#withVectorBits(int)} gives a kernel of any width in
 * the same JVM, so tests cover every width on one machine.
 */
package org.nabla4j.codegen.kernels;
