package io.domsim.hypervisor;

/** A domain's life: created paused or running; paused domains keep their memory but get no CPU. */
public enum DomainState { RUNNING, PAUSED }
