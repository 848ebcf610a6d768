/*
 * Loop regions inside one i386 TB (issue 9). A loop body split by a data-dependent
 * branch, as in bench/workloads/intloop.c:
 *
 *   odd:  imul; add; add; cmp; je out       <- the TB starts here
 *   head: xorshift; test $1,%al; jne odd    (back to the TB's start: a self edge)
 *   even: ...; div; cmp; jne head           (back to an insn inside the TB)
 *   out:
 *
 * used to cross two TB boundaries on every other iteration (registers stored to env
 * and loaded again, the chained jump, the exit-request check). Planned at the TB's
 * start from a read-only look at the guest code (x86_loop_plan), on the TB's page
 * and within its insn budget, the whole loop becomes one TB: the branch to the
 * start stays a goto_tb self edge (tcg/loop.c keeps the loop's registers in host
 * registers across it), a branch back to an inner insn (a join) jumps to a label
 * there after the same exit-request check a TB start does, and a Jcc leaving the
 * region before its last closing branch goes on at its fall-through, its taken
 * side leaving from a cold block: through the region end's goto_tb slot 0 when
 * it goes to the same address (a loop's early exit), else through the C look-up.
 * A Jcc forward to an insn inside the region (the XZ range coder's skip of its
 * normalization, in every bit it decodes) branches to a label placed when
 * translation reaches that insn (a forward join), without an exit-request
 * check: a cycle always has a branch back. Only a region with a join is
 * planned: measured, going on past early exits alone made the boot 3-4% slower.
 *
 * Lazy flags: a join keeps the static cc_op its fall-through path brings, and a
 * branch back to it is a jump inside the TB only when it brings the same op (the
 * loop's compare on both sides, as in intloop), so neither path stores cc_op;
 * any other branch there ends the TB as before. A cc_op not known statically is
 * in env's cc_op on every path in (stored before each branch back). A forward
 * join keeps the static cc_op when every Jcc to it brings the fall-through's,
 * and otherwise stores each path's into env (x86_loop_place_fwd). Each cold
 * exit stores the cc_op of its branch, as a TB end would.
 *
 * Only 32-bit code, and only insns the scanner knows to neither end a TB nor fetch
 * more bytes than their table entry says (plain ALU, moves, shifts, multiply and
 * divide, Jcc/JMP rel): anything else ends the region.
 */
#include "qemu/osdep.h"
#include "internal.h"

/* Longest region looked at, in insns. */
#define X86_LOOP_SCAN_INSNS 64

typedef struct X86LoopScan {
    uint32_t pc[X86_LOOP_SCAN_INSNS + 1];       /* insn starts (linear) */
    uint32_t target[X86_LOOP_SCAN_INSNS];       /* branch target (linear), or 0 */
    bool is_branch[X86_LOOP_SCAN_INSNS];
    bool is_jcc[X86_LOOP_SCAN_INSNS];
    int n;                                      /* insns in the region */
} X86LoopScan;

/* ModRM length (32-bit addressing) at pc, the ModRM byte included; its reg field
 * in *reg. */
static int x86_loop_modrm_len(DisasContext *s, CPUState *cs, uint32_t pc, int *reg)
{
    uint32_t b = translator_ldub(cs, &s->base, pc);
    int mod = b >> 6, rm = b & 7, len = 1;

    *reg = (b >> 3) & 7;
    if (mod == 3) {
        return 1;
    }
    if (rm == 4) {
        uint32_t sib = translator_ldub(cs, &s->base, pc + 1);

        len++;
        if ((sib & 7) == 5 && mod == 0) {
            len += 4;
        }
    } else if (rm == 5 && mod == 0) {
        len += 4;
    }
    return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/*
 * Length of the insn at pc if the scanner knows it (0 otherwise); for a Jcc or
 * JMP rel, its target (linear) in *target and *is_jcc / *is_jmp set.
 */
static int x86_loop_insn_len(DisasContext *s, CPUState *cs, uint32_t pc,
                             uint32_t *target, bool *is_jcc, bool *is_jmp)
{
    uint32_t start = pc, b;
    bool data16 = false;
    int iz, reg, len;

    *is_jcc = *is_jmp = false;
    for (;;) {
        b = translator_ldub(cs, &s->base, pc);
        if (b == 0x66) {
            data16 = true;
        } else if (b != 0x26 && b != 0x2e && b != 0x36 && b != 0x3e && b != 0x64 &&
                   b != 0x65) {
            break;
        }
        if (++pc - start >= 4) {
            return 0;
        }
    }
    pc++;
    iz = data16 ? 2 : 4;
    if (b == 0x0f) {
        b = translator_ldub(cs, &s->base, pc++);
        if (b >= 0x80 && b <= 0x8f) {               /* Jcc rel32 */
            if (data16) {
                return 0;
            }
            *target = pc + 4 + (int32_t)translator_ldl(cs, &s->base, pc);
            *is_jcc = true;
            return pc + 4 - start;
        }
        if ((b >= 0x40 && b <= 0x4f) || (b >= 0x90 && b <= 0x9f) || b == 0xaf ||
            b == 0xb6 || b == 0xb7 || b == 0xbe || b == 0xbf || b == 0xa3 ||
            b == 0xab || b == 0xb3 || b == 0xbb || b == 0xa5 || b == 0xad ||
            b == 0xbc || b == 0xbd) {
            len = x86_loop_modrm_len(s, cs, pc, &reg);
            return pc + len - start;
        }
        if (b == 0xba || b == 0xa4 || b == 0xac) {
            len = x86_loop_modrm_len(s, cs, pc, &reg);
            return pc + len + 1 - start;
        }
        if (b >= 0xc8 && b <= 0xcf) {              /* BSWAP */
            return pc - start;
        }
        return 0;
    }
    if (b < 0x40) {
        switch (b & 7) {
        case 0: case 1: case 2: case 3:
            len = x86_loop_modrm_len(s, cs, pc, &reg);
            return pc + len - start;
        case 4:
            return pc + 1 - start;
        case 5:
            return pc + iz - start;
        default:
            return 0;           /* segment pushes/pops, BCD, prefixes */
        }
    }
    if (b < 0x60 || b == 0x90 || b == 0x98 || b == 0x99) {
        return pc - start;      /* INC/DEC/PUSH/POP reg, NOP, CBW, CWD */
    }
    if (b >= 0x70 && b <= 0x7f) {
        *target = pc + 1 + (int8_t)translator_ldub(cs, &s->base, pc);
        *is_jcc = true;
        return pc + 1 - start;
    }
    if (b == 0xeb || b == 0xe9) {
        if (data16) {
            return 0;
        }
        if (b == 0xeb) {
            *target = pc + 1 + (int8_t)translator_ldub(cs, &s->base, pc);
            len = 1;
        } else {
            *target = pc + 4 + (int32_t)translator_ldl(cs, &s->base, pc);
            len = 4;
        }
        *is_jmp = true;
        return pc + len - start;
    }
    if (b >= 0xa0 && b <= 0xa3) {                   /* MOV AL/eAX <-> moffs32 */
        return pc + 4 - start;
    }
    if (b == 0xa8 || (b >= 0xb0 && b <= 0xb7)) {
        return pc + 1 - start;
    }
    if (b == 0xa9 || (b >= 0xb8 && b <= 0xbf)) {
        return pc + iz - start;
    }
    switch (b) {
    case 0x84: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8a:
    case 0x8b: case 0x8d: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
        len = x86_loop_modrm_len(s, cs, pc, &reg);
        return pc + len - start;
    case 0x6b: case 0x80: case 0x82: case 0x83: case 0xc0: case 0xc1: case 0xc6:
        len = x86_loop_modrm_len(s, cs, pc, &reg);
        return pc + len + 1 - start;
    case 0x69: case 0x81: case 0xc7:
        len = x86_loop_modrm_len(s, cs, pc, &reg);
        return pc + len + iz - start;
    case 0xf6: case 0xf7:
        len = x86_loop_modrm_len(s, cs, pc, &reg);
        if (reg < 2) {
            len += b == 0xf6 ? 1 : iz;
        }
        return pc + len - start;
    case 0xfe: case 0xff:
        len = x86_loop_modrm_len(s, cs, pc, &reg);
        return reg < 2 ? pc + len - start : 0;     /* INC/DEC only */
    default:
        return 0;
    }
}

static int x86_loop_find(const X86LoopScan *sc, uint32_t pc)
{
    for (int i = 0; i <= sc->n; i++) {
        if (sc->pc[i] == pc) {
            return i;
        }
    }
    return -1;
}

/* The index of the join at pc (linear), added if new; -1 when there is no room. */
static int x86_loop_add_join(DisasContext *s, int *nb_joins, uint32_t pc)
{
    int j;

    for (j = 0; j < *nb_joins && s->loop.join_pc[j] != pc; j++) {
        continue;
    }
    if (j == *nb_joins) {
        if (j == X86_LOOP_MAX_JOINS) {
            return -1;
        }
        s->loop.join_pc[j] = pc;
        s->loop.join_label[j] = NULL;
        s->loop.join_back[j] = false;
        (*nb_joins)++;
    }
    return j;
}

/*
 * Look at the straight-line code from the TB's start and plan a loop region when
 * a branch leads back into it (to the start or an inner insn) and some branch to
 * an inner insn, back or forward (a join), would otherwise end the TB on the
 * loop's path. Reads guest code only; what it finds chooses the TB's shape, never
 * what the generated code computes.
 */
void x86_loop_plan(DisasContext *s, CPUState *cs)
{
    DisasContextBase *db = &s->base;
    X86LoopScan sc;
    uint32_t first = db->pc_first, pc = first;
    int budget = MIN(X86_LOOP_SCAN_INSNS, db->max_insns - 1);
    int last_close = -1, nb_joins = 0, nb_fwd = 0, nb_back_out = 0, nb_exit_other = 0;
    bool has_inner_edge = false, self_edge = false;

    s->loop.valid = false;
    if (!s->code32 || (s->flags & (HF_TF_MASK | HF_DBG_MASK | HF_INHIBIT_IRQ_MASK)) ||
        db->singlestep_enabled || cs->nb_breakpoints ||
        !translator_use_goto_tb(db, first)) {
        return;
    }
    sc.n = 0;
    while (sc.n < budget) {
        uint32_t target = 0;
        bool is_jcc, is_jmp;
        int len;

        /* The translator ends a TB before an insn that may straddle the page. */
        if (((pc ^ first) & TARGET_PAGE_MASK) ||
            (sc.n > 0 && (pc & ~TARGET_PAGE_MASK) > TARGET_PAGE_SIZE - 15)) {
            break;
        }
        len = x86_loop_insn_len(s, cs, pc, &target, &is_jcc, &is_jmp);
        if (len == 0) {
            break;
        }
        sc.pc[sc.n] = pc;
        sc.is_branch[sc.n] = is_jcc || is_jmp;
        sc.is_jcc[sc.n] = is_jcc;
        sc.target[sc.n] = target;
        sc.n++;
        pc += len;
        if (is_jmp) {
            break;
        }
    }
    sc.pc[sc.n] = pc;

    /* The last branch back into [first, itself]: the region ends after it. */
    for (int i = 0; i < sc.n; i++) {
        if (sc.is_branch[i] && sc.target[i] >= first && sc.target[i] <= sc.pc[i]) {
            last_close = i;
        }
    }
    if (last_close < 0) {
        return;
    }
    for (int i = 0; i <= last_close; i++) {
        uint32_t t = sc.target[i];
        bool forward;
        int j;

        if (!sc.is_branch[i]) {
            continue;
        }
        if (t == first) {
            self_edge |= sc.is_jcc[i];
            continue;
        }
        if (t < first) {
            nb_back_out += sc.is_jcc[i];        /* leaves backward */
            continue;
        }
        if (t >= sc.pc[last_close + 1]) {
            /* Leaves the region forward: through the C look-up unless to its end. */
            nb_exit_other += t != sc.pc[last_close + 1];
            continue;
        }
        if (x86_loop_find(&sc, t) < 0) {
            return;             /* into an insn's middle */
        }
        forward = t > sc.pc[i];
        if (forward && nb_fwd++ == X86_LOOP_MAX_FWD) {
            return;
        }
        j = x86_loop_add_join(s, &nb_joins, t);
        if (j < 0) {
            return;
        }
        s->loop.join_back[j] |= !forward;
        has_inner_edge = true;
    }
    if (!has_inner_edge) {
        /* Nothing the usual TB shape does not do, or only early exits: measured,
         * continuing past those alone made the boot slower. */
        return;
    }
    /*
     * A Jcc leaving backward wants goto_tb slot 1 (gen_jcc_continue), and so
     * does the self edge. A region closed by a JMP has no end exit, and slot 0
     * is free for it. Otherwise the Jcc keeps slot 1 and the TB's start becomes
     * a join, the self edges branches back to it: such a Jcc mostly goes to the
     * loop's own start, laid out before this TB's (a bit-tree decoder's bit-0
     * arm before its head), whose TB holds the whole loop, and this one is the
     * loop's entry, run until the first bit 0. Measured: that Jcc through the
     * jump cache instead was 5M look-ups in a boot.
     */
    s->loop.back_out_slot0 = false;
    if (nb_back_out > 1 && self_edge) {
        return;
    }
    /*
     * Forward joins, or a join at the start, only in a region whose early exits
     * all go to its end: Linux's parsers (a string scan with an exit per
     * character class) then left through the C look-up once per call instead
     * of through chained jumps, 350K look-ups in a boot, more than their few
     * iterations per call saved.
     */
    if ((nb_fwd > 0 || (nb_back_out > 0 && self_edge)) && nb_exit_other > 0) {
        return;
    }
    if (nb_back_out > 0 && self_edge && !sc.is_jcc[last_close]) {
        s->loop.back_out_slot0 = true;
    } else if (nb_back_out > 0 && self_edge) {
        int j = x86_loop_add_join(s, &nb_joins, first);

        if (j < 0) {
            return;
        }
        s->loop.join_back[j] = true;
        self_edge = false;
    }
    s->loop.valid = true;
    s->loop.self_edge = self_edge;
    s->loop.nb_joins = nb_joins;
    s->loop.nb_fwd = 0;
    s->loop.end = sc.pc[last_close + 1];
    s->loop.last_close = sc.pc[last_close];
}

static int x86_loop_join_index(DisasContext *s, uint32_t linear)
{
    for (int j = 0; j < s->loop.nb_joins; j++) {
        if (s->loop.join_pc[j] == linear) {
            return j;
        }
    }
    return -1;
}

/* cc_op as a join compares it: static, or DYNAMIC when env's cc_op holds it. */
static int x86_loop_join_op(int cc_op)
{
    return x86_cc_op_static(cc_op) ? cc_op : CC_OP_DYNAMIC;
}

/*
 * The forward Jccs to join j arrive here, at the end of its fall-through path.
 * When each brings the fall-through's cc_op, their labels go right here and no
 * path stores it. Otherwise every path puts its op in env: the fall-through
 * before jumping over the others' blocks, each Jcc in a block of its own (the
 * last one falling into the join), and the join is CC_OP_DYNAMIC.
 */
static void x86_loop_place_fwd(DisasContext *s, int j)
{
    int op = x86_loop_join_op(s->cc_op), last = -1;
    bool same = true;
    TCGLabel *join;

    for (int i = 0; i < s->loop.nb_fwd; i++) {
        if (s->loop.fwd[i].join == j && !s->loop.fwd[i].placed) {
            same &= x86_loop_join_op(s->loop.fwd[i].cc_op) == op;
            last = i;
        }
    }
    if (last < 0) {
        return;
    }
    join = gen_new_label();
    if (!same) {
        gen_sync_cc_op(s);
        tcg_gen_br(join);
    }
    for (int i = 0; i <= last; i++) {
        if (s->loop.fwd[i].join != j || s->loop.fwd[i].placed) {
            continue;
        }
        s->loop.fwd[i].placed = true;
        gen_set_label(s->loop.fwd[i].label);
        if (same) {
            continue;
        }
        if (x86_cc_op_static(s->loop.fwd[i].cc_op)) {
            tcg_gen_movi_i32(cpu_cc_op, s->loop.fwd[i].cc_op);
        }
        if (i != last) {
            tcg_gen_br(join);
        }
    }
    gen_set_label(join);
    if (!same) {
        s->cc_op = CC_OP_DYNAMIC;
    }
}

/* Before the insn_start of each insn: a join gets its label here. */
void x86_loop_insn_start(DisasContext *s)
{
    int j;

    if (!s->loop.valid) {
        return;
    }
    j = x86_loop_join_index(s, s->base.pc_next);
    if (j < 0) {
        return;
    }
    x86_loop_place_fwd(s, j);
    /*
     * A static cc_op stays static here: every branch back to the join must then
     * come with that same op (x86_loop_edge), which the loop's compare mostly
     * gives (intloop: CMP on both sides), and neither path stores it. Otherwise
     * env's cc_op holds it on every path in.
     */
    s->cc_op_clean = false;
    s->cc_op = x86_loop_join_op(s->cc_op);
    s->loop.join_cc_op[j] = s->cc_op;
    /* What the translator knows about values (a SUB's first operand, a stored
     * stack slot) holds on the fall-through only. */
    s->srcT_valid = false;
    s->cc_dst_narrow = false;
    s->fwd_valid = s->fwd_usable = false;
    /* Assume the cc globals written on some path in: a discard where a path
     * never wrote them does no harm, one left out keeps their stores alive. */
    s->lazy_written = s->src2_written = true;
    if (!s->loop.join_back[j]) {
        return;
    }
    x86_note_backward_branch(s);
    s->loop.join_label[j] = gen_new_label();
    gen_set_label(s->loop.join_label[j]);
}

/*
 * Taken path of a branch to a join: cc_op to env, then the exit-request check a
 * TB start does (a loop inside the TB must not run away from interrupts), then
 * the jump back. False when the TB has no room for the check's cold exit.
 */
static bool gen_loop_back_edge(DisasContext *s, int j, uint32_t eip)
{
    TCGLabel *req;
    TCGv_i32 flag;
    int idx;

    if (s->loop.join_cc_op[j] != CC_OP_DYNAMIC && s->cc_op != s->loop.join_cc_op[j]) {
        /* Evaluating the condition changed cc_op (to CC_OP_EFLAGS): leave
         * through the jump cache instead, as a TB end would. */
        gen_sync_cc_op(s);
        tcg_gen_movi_i32(cpu_eip, eip);
        tcg_gen_lookup_and_goto_ptr();
        return true;
    }
    req = gen_cold_exit(s, X86_COLD_EXIT, eip, &idx);
    if (!req) {
        return false;
    }
    if (s->loop.join_cc_op[j] == CC_OP_DYNAMIC) {
        gen_sync_cc_op(s);
    }
    s->cold[idx].cc_op = s->cc_op;
    flag = x86_temp(s);
    tcg_gen_ld_i32(flag, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, flag, 0, req);
    tcg_gen_br(s->loop.join_label[j]);
    return true;
}

/*
 * Fall-through of the last closing branch: the TB ends through goto_tb slot 0,
 * a block the early exits to the same address branch to (x86_gen_cold) after
 * storing their own cc_op.
 */
static void gen_loop_end(DisasContext *s)
{
    uint32_t next = x86_next_eip(s);

    if (!s->loop.end_label || s->slot0_used ||
        !translator_use_goto_tb(&s->base, s->cs_base + next)) {
        gen_jmp_eip(s, next, 0);
        return;
    }
    gen_sync_cc_op(s);
    gen_set_label(s->loop.end_label);
    s->loop.end_placed = true;
    tcg_gen_goto_tb(0);
    tcg_gen_movi_i32(cpu_eip, next);
    tcg_gen_exit_tb(s->base.tb, 0);
    s->base.is_jmp = DISAS_NORETURN;
}

/* The join a branch from the current insn to target (an eip) jumps to, or -1. */
static int x86_loop_edge(DisasContext *s, uint32_t target)
{
    uint32_t linear = s->cs_base + target;
    int j;

    if (!s->loop.valid || s->pc > s->loop.last_close ||
        s->nb_cold == X86_DC_MAX_COLD) {
        return -1;
    }
    j = x86_loop_join_index(s, linear);
    if (j < 0 || !s->loop.join_label[j] || linear > s->pc) {
        return -1;
    }
    if (s->loop.join_cc_op[j] != CC_OP_DYNAMIC && s->cc_op != s->loop.join_cc_op[j]) {
        return -1;              /* the flags in another form than the join's */
    }
    return j;
}

/*
 * A Jcc forward to a join: a branch to a label of its own, placed with the
 * cc_op it brings when translation reaches the join (x86_loop_place_fwd). No
 * exit-request check: only a cycle needs one, and a cycle has a branch back.
 */
static bool x86_loop_fwd_jcc(DisasContext *s, int cc, uint32_t target)
{
    uint32_t linear = s->cs_base + target;
    int j, n = s->loop.nb_fwd;

    if (!s->loop.valid || s->pc > s->loop.last_close || linear <= s->pc ||
        n == X86_LOOP_MAX_FWD) {
        return false;
    }
    j = x86_loop_join_index(s, linear);
    if (j < 0) {
        return false;
    }
    s->loop.fwd[n].label = gen_new_label();
    s->loop.fwd[n].join = j;
    s->loop.fwd[n].placed = false;
    gen_cc_brcond(s, cc, s->loop.fwd[n].label);
    /* The flags as the branch left them (evaluating cc may have changed cc_op). */
    s->loop.fwd[n].cc_op = s->cc_op;
    s->loop.nb_fwd++;
    return true;
}

/*
 * Forward Jccs whose join translation did not reach (the TB ended early: a cold
 * exit too many, say): each goes on at the join through the jump cache.
 */
void x86_loop_tb_stop(DisasContext *s)
{
    if (!s->loop.valid) {
        return;
    }
    for (int i = 0; i < s->loop.nb_fwd; i++) {
        if (s->loop.fwd[i].placed) {
            continue;
        }
        s->loop.fwd[i].placed = true;
        gen_set_label(s->loop.fwd[i].label);
        s->cc_op = s->loop.fwd[i].cc_op;
        s->cc_op_clean = false;
        gen_sync_cc_op(s);
        tcg_gen_movi_i32(cpu_eip, s->loop.join_pc[s->loop.fwd[i].join] - s->cs_base);
        tcg_gen_lookup_and_goto_ptr();
    }
}

bool x86_loop_jcc(DisasContext *s, int cc, uint32_t target)
{
    uint32_t linear = s->cs_base + target;
    TCGLabel *l;
    int j = x86_loop_edge(s, target), idx, kind;

    if (j >= 0) {
        /* The fall-through (mostly the loop's exit) skips the back edge. */
        TCGLabel *fall = gen_new_label();

        gen_cc_brcond(s, cc ^ 1, fall);
        if (!gen_loop_back_edge(s, j, target)) {
            /* Not reached: x86_loop_edge checked the room. */
            g_assert_not_reached();
        }
        gen_set_label(fall);
        if (s->pc == s->loop.last_close) {
            /* The loop's exit: end the TB here, keeping it to the loop. */
            gen_loop_end(s);
        }
        return true;
    }
    if (x86_loop_fwd_jcc(s, cc, target)) {
        return true;
    }
    if (s->loop.valid && s->pc == s->loop.last_close && linear == s->base.pc_first) {
        /*
         * The self edge closes the region: the TB ends at its fall-through, as
         * after a branch back to a join, so the early exits to the same address
         * share that goto_tb instead of each going through the C look-up.
         */
        if (!gen_jcc_continue(s, cc, target)) {
            return false;
        }
        gen_loop_end(s);
        return true;
    }
    if (!s->loop.valid || s->pc >= s->loop.last_close ||
        (linear < s->loop.end &&
         (linear >= s->base.pc_first || !s->loop.back_out_slot0))) {
        return false;
    }
    /* A Jcc leaving the loop before its last closing branch: to the loop's end
     * (a loop's early exit, mostly) it shares that exit's chained jump; one
     * leaving backward takes slot 0 when the planner gave it (x86_loop_plan). */
    if (linear == s->loop.end && !s->loop.end_label) {
        s->loop.end_label = gen_new_label();
    }
    kind = linear == s->loop.end ? X86_COLD_END : X86_COLD_LOOKUP;
    if (linear < s->base.pc_first) {
        if (s->slot0_used) {
            return false;
        }
        kind = translator_use_goto_tb(&s->base, linear) ? X86_COLD_JUMP0 :
               X86_COLD_LOOKUP;
    }
    l = gen_cold_exit(s, kind, target, &idx);
    if (!l) {
        return false;
    }
    s->slot0_used |= kind == X86_COLD_JUMP0;
    gen_cc_brcond(s, cc, l);
    /* The flags as the branch left them (evaluating cc may have changed cc_op). */
    s->cold[idx].cc_op = s->cc_op;
    return true;
}

bool x86_loop_jmp(DisasContext *s, uint32_t target)
{
    int j = x86_loop_edge(s, target);

    if (j < 0 || !gen_loop_back_edge(s, j, target)) {
        return false;
    }
    s->base.is_jmp = DISAS_NORETURN;
    return true;
}
