/**
 * Every FFM downcall of jvmm: libc ({@code jvmm.kvm.sys}) and the KVM API ({@code jvmm.kvm}).
 * The only module that calls restricted methods; run with
 * {@code --enable-native-access=jvmm.kvm} (or ALL-UNNAMED on the class path).
 */
module jvmm.kvm {
    exports jvmm.kvm;
    exports jvmm.kvm.sys;
}
