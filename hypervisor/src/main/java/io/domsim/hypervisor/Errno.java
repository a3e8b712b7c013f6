package io.domsim.hypervisor;

/** The errors a hypercall answers with, named as in Xen's public errno.h. */
public enum Errno {
  /** Operation not permitted: a management hypercall from a domain other than Dom0. */
  EPERM,
  /** No such domain. */
  ESRCH,
  /** Not enough memory. */
  ENOMEM,
  /** Already exists. */
  EEXIST,
  /** No such device: HVM on a CPU without VT-x/AMD-V. */
  ENODEV,
  /** Invalid argument. */
  EINVAL
}
