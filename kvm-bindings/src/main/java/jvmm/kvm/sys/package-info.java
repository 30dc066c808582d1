/** libc downcalls (open, close, ioctl, mmap, eventfd, epoll, ...) with per-thread errno capture. */
package jvmm.kvm.sys;
