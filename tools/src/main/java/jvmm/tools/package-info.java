/** Benchmarks and developer tools. */
package jvmm.tools;
