/*
 * The IR opcode list. DEF(name, out_args, in_args, const_args, flags)
 * Included several times with different DEF definitions.
 * Constant args (cargs) are stored after outputs and inputs in TCGOp.args[].
 */

/* Control and bookkeeping. */
DEF(discard, 1, 0, 0, TCG_OPF_NOT_PRESENT)        /* temp's value is dead */
DEF(set_label, 0, 0, 1, TCG_OPF_BB_END | TCG_OPF_NOT_PRESENT) /* carg: label id */
DEF(br, 0, 0, 1, TCG_OPF_BB_END)                   /* carg: label */
DEF(mb, 0, 0, 1, 0)                                /* memory barrier (no-op here) */
/* insn_start: cargs are the TCG_INSN_START_WORDS words of per-instruction data. */
DEF(insn_start, 0, 0, TCG_INSN_START_WORDS, TCG_OPF_NOT_PRESENT)
DEF(exit_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END) /* carg: (uintptr_t)tb | idx, or 0 */
DEF(goto_tb, 0, 0, 1, TCG_OPF_BB_EXIT | TCG_OPF_BB_END) /* carg: slot 0/1 */
DEF(goto_ptr, 0, 1, 0, TCG_OPF_BB_EXIT | TCG_OPF_BB_END) /* in: host code address */
/* call: outputs/inputs vary; see TCGOp.callo/calli; cargs: func, info. */
DEF(call, 0, 0, 2, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)

/* 32-bit ops. */
DEF(mov_i32, 1, 1, 0, TCG_OPF_NOT_PRESENT)
DEF(setcond_i32, 1, 2, 1, 0)                       /* carg: TCGCond */
DEF(movcond_i32, 1, 4, 1, 0)                       /* out = cond(c1,c2) ? v1 : v2 */
DEF(brcond_i32, 0, 2, 2, TCG_OPF_BB_END | TCG_OPF_COND_BRANCH) /* cargs: cond, label */
DEF(ld8u_i32, 1, 1, 1, 0)                          /* host load from ptr + carg offset */
DEF(ld8s_i32, 1, 1, 1, 0)
DEF(ld16u_i32, 1, 1, 1, 0)
DEF(ld16s_i32, 1, 1, 1, 0)
DEF(ld_i32, 1, 1, 1, 0)
DEF(st8_i32, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)        /* in: value, ptr; carg: offset */
DEF(st16_i32, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st_i32, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(add_i32, 1, 2, 0, 0)
DEF(sub_i32, 1, 2, 0, 0)
DEF(mul_i32, 1, 2, 0, 0)
DEF(div_i32, 1, 2, 0, 0)      /* signed; caller guarantees no /0 or INT_MIN/-1 */
DEF(divu_i32, 1, 2, 0, 0)     /* caller guarantees no /0 */
DEF(rem_i32, 1, 2, 0, 0)
DEF(remu_i32, 1, 2, 0, 0)
DEF(divrem_i32, 2, 2, 0, 0)   /* out q, r = in1 / in2, in1 % in2; guards as for div */
DEF(divremu_i32, 2, 2, 0, 0)
DEF(and_i32, 1, 2, 0, 0)
DEF(or_i32, 1, 2, 0, 0)
DEF(xor_i32, 1, 2, 0, 0)
DEF(andc_i32, 1, 2, 0, 0)
DEF(orc_i32, 1, 2, 0, 0)
DEF(shl_i32, 1, 2, 0, 0)      /* shift count taken modulo 32 */
DEF(shr_i32, 1, 2, 0, 0)
DEF(sar_i32, 1, 2, 0, 0)
DEF(rotl_i32, 1, 2, 0, 0)
DEF(rotr_i32, 1, 2, 0, 0)
DEF(neg_i32, 1, 1, 0, 0)
DEF(not_i32, 1, 1, 0, 0)
DEF(ext8s_i32, 1, 1, 0, 0)
DEF(ext8u_i32, 1, 1, 0, 0)
DEF(ext16s_i32, 1, 1, 0, 0)
DEF(ext16u_i32, 1, 1, 0, 0)
DEF(bswap16_i32, 1, 1, 0, 0)  /* swaps the low 16 bits, zero-extends */
DEF(bswap32_i32, 1, 1, 0, 0)
DEF(clz_i32, 1, 2, 0, 0)      /* out = in1 ? clz(in1) : in2 */
DEF(ctz_i32, 1, 2, 0, 0)      /* out = in1 ? ctz(in1) : in2 */
DEF(ctpop_i32, 1, 1, 0, 0)
DEF(deposit_i32, 1, 2, 2, 0)  /* out = deposit(in1, pos, len, in2); cargs pos, len */
DEF(extract_i32, 1, 1, 2, 0)  /* cargs pos, len */
DEF(sextract_i32, 1, 1, 2, 0)
DEF(mulu2_i32, 2, 2, 0, 0)    /* out lo, hi = in1 * in2 unsigned */
DEF(muls2_i32, 2, 2, 0, 0)
DEF(add2_i32, 2, 4, 0, 0)     /* (olo,ohi) = (al,ah) + (bl,bh) */
DEF(sub2_i32, 2, 4, 0, 0)

/* 64-bit ops. */
DEF(mov_i64, 1, 1, 0, TCG_OPF_NOT_PRESENT)
DEF(setcond_i64, 1, 2, 1, 0)
DEF(movcond_i64, 1, 4, 1, 0)
DEF(brcond_i64, 0, 2, 2, TCG_OPF_BB_END | TCG_OPF_COND_BRANCH)
DEF(ld8u_i64, 1, 1, 1, 0)
DEF(ld8s_i64, 1, 1, 1, 0)
DEF(ld16u_i64, 1, 1, 1, 0)
DEF(ld16s_i64, 1, 1, 1, 0)
DEF(ld32u_i64, 1, 1, 1, 0)
DEF(ld32s_i64, 1, 1, 1, 0)
DEF(ld_i64, 1, 1, 1, 0)
DEF(st8_i64, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st16_i64, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st32_i64, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(st_i64, 0, 2, 1, TCG_OPF_SIDE_EFFECTS)
DEF(add_i64, 1, 2, 0, 0)
DEF(sub_i64, 1, 2, 0, 0)
DEF(mul_i64, 1, 2, 0, 0)
DEF(div_i64, 1, 2, 0, 0)
DEF(divu_i64, 1, 2, 0, 0)
DEF(rem_i64, 1, 2, 0, 0)
DEF(remu_i64, 1, 2, 0, 0)
DEF(divrem_i64, 2, 2, 0, 0)
DEF(divremu_i64, 2, 2, 0, 0)
DEF(and_i64, 1, 2, 0, 0)
DEF(or_i64, 1, 2, 0, 0)
DEF(xor_i64, 1, 2, 0, 0)
DEF(andc_i64, 1, 2, 0, 0)
DEF(orc_i64, 1, 2, 0, 0)
DEF(shl_i64, 1, 2, 0, 0)      /* shift count taken modulo 64 */
DEF(shr_i64, 1, 2, 0, 0)
DEF(sar_i64, 1, 2, 0, 0)
DEF(rotl_i64, 1, 2, 0, 0)
DEF(rotr_i64, 1, 2, 0, 0)
DEF(neg_i64, 1, 1, 0, 0)
DEF(not_i64, 1, 1, 0, 0)
DEF(ext8s_i64, 1, 1, 0, 0)
DEF(ext8u_i64, 1, 1, 0, 0)
DEF(ext16s_i64, 1, 1, 0, 0)
DEF(ext16u_i64, 1, 1, 0, 0)
DEF(ext32s_i64, 1, 1, 0, 0)
DEF(ext32u_i64, 1, 1, 0, 0)
DEF(ext_i32_i64, 1, 1, 0, 0)  /* sign-extend i32 temp into i64 temp */
DEF(extu_i32_i64, 1, 1, 0, 0) /* zero-extend i32 temp into i64 temp */
DEF(extrl_i64_i32, 1, 1, 0, 0) /* low half of i64 into i32 */
DEF(extrh_i64_i32, 1, 1, 0, 0) /* high half of i64 into i32 */
DEF(bswap16_i64, 1, 1, 0, 0)
DEF(bswap32_i64, 1, 1, 0, 0)  /* swaps low 32 bits, zero-extends */
DEF(bswap64_i64, 1, 1, 0, 0)
DEF(clz_i64, 1, 2, 0, 0)
DEF(ctz_i64, 1, 2, 0, 0)
DEF(ctpop_i64, 1, 1, 0, 0)
DEF(deposit_i64, 1, 2, 2, 0)
DEF(extract_i64, 1, 1, 2, 0)
DEF(sextract_i64, 1, 1, 2, 0)
DEF(mulu2_i64, 2, 2, 0, 0)
DEF(muls2_i64, 2, 2, 0, 0)
DEF(add2_i64, 2, 4, 0, 0)
DEF(sub2_i64, 2, 4, 0, 0)

/*
 * Guest memory access through the softmmu TLB. Guest addresses are 32-bit (i32 temp).
 * carg: MemOpIdx (memop and mmu index, see make_memop_idx).
 */
DEF(qemu_ld_i32, 1, 1, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* out val; in addr */
DEF(qemu_st_i32, 0, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* in val, addr */
DEF(qemu_ld_i64, 1, 1, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_st_i64, 0, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
/*
 * Accesses that share one softmmu TLB check (made only by tcg/ldst-group.c, after the
 * optimizer; see the comment there). A leader does its own access like qemu_ld/st
 * and also checks that the guest bytes [addr + lo, addr + hi] (cargs 2 and 3, lo <= 0
 * <= hi, hi - lo < TARGET_PAGE_SIZE, i32 address arithmetic) all lie in one page
 * that the TLB maps for the access types in carg 4 (bit 0 load, bit 1 store: those of
 * the whole group); its extra i64 output `host` is then that page's addend, else 0.
 * A member (same MMU index, address inside that range, either type) adds `host` to
 * its address when it is non-zero and does a full access of its own when it is 0.
 * Backends that do not share checks run both as plain accesses (any non-zero `host`
 * value will do).
 */
DEF(qemu_ld_lead_i32, 2, 1, 4, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* out val, host; in addr */
DEF(qemu_st_lead_i32, 1, 2, 4, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* out host; in val, addr */
DEF(qemu_ld_lead_i64, 2, 1, 4, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_st_lead_i64, 1, 2, 4, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_ld_memb_i32, 1, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* out val; in addr, host */
DEF(qemu_st_memb_i32, 0, 3, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS) /* in val, addr, host */
DEF(qemu_ld_memb_i64, 1, 2, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
DEF(qemu_st_memb_i64, 0, 3, 1, TCG_OPF_CALL_CLOBBER | TCG_OPF_SIDE_EFFECTS)
/*
 * If-conversion's store probe (tcg/ifconv.c): out = the host address of the guest
 * bytes a store of MemOpIdx carg 0 at addr would write, when the softmmu TLB's
 * fast table maps them as the inline fast path requires (one page, the memop's
 * alignment, no TLB_* flag: no translated code, MMIO, watchpoint or ROM on the
 * page), and for loads too when carg 1 is 1 (a load of the stored bytes is then
 * plain RAM as well), else 0. It only reads the table: no fault, no call, no TLB
 * fill, so converted code may probe the store of an arm that is not taken. The
 * address is only valid until the next helper call or exit (which may change the
 * TLB).
 */
DEF(qemu_probe_st_i64, 1, 1, 2, 0) /* out host (i64); in addr (i32); cargs oi, load too */
