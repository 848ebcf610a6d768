/*
 * The test-only toy target (see toy-target.h): a CPU class and a translator written
 * against the same interfaces as the real targets.
 */
#include "toy-target.h"
#include "exec/translator.h"
#include "exec/exec-all.h"
#include "tcg/tcg-op.h"

static TCGv_i32 toy_r[8];
static TCGv_i32 toy_pc;

static void toy_tcg_init(void)
{
    static const char *names[8] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7" };
    for (int i = 0; i < 8; i++) {
        toy_r[i] = tcg_global_mem_new_i32(offsetof(ToyState, r[i]), names[i]);
    }
    toy_pc = tcg_global_mem_new_i32(offsetof(ToyState, pc), "pc");
}

static void helper_toy_halt(CPUState *cpu)
{
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit(cpu);
}
static const TCGHelperInfo info_toy_halt = TCG_HELPER(helper_toy_halt, 0, TCG_CALL_VOID,
                                                      TCG_CALL_PTR);

/* Region TBs (exec/translator.h) when set; off by default so the other tests see
 * plain TBs. goto_tb slots are handed out: a region has more exits than two. */
bool toy_regions;
static uint8_t toy_slots;

static void toy_goto(DisasContextBase *db, int n, uint32_t dest)
{
    if (toy_slots & (1u << n)) {
        n ^= 1;
    }
    if (!(toy_slots & (1u << n)) && translator_use_goto_tb(db, dest)) {
        toy_slots |= 1u << n;
        tcg_gen_goto_tb(n);
        tcg_gen_movi_i32(toy_pc, dest);
        tcg_gen_exit_tb(db->tb, n);
    } else {
        tcg_gen_movi_i32(toy_pc, dest);
        tcg_gen_lookup_and_goto_ptr();
    }
}

/* Leave for toy_pc with the flags in env, through the inline probe. */
static void toy_gen_probe(DisasContextBase *db)
{
    TCGv_i32 flags = tcg_temp_new_i32();
    tcg_gen_ld_i32(flags, tcg_env, offsetof(ToyState, mode));
    translator_gen_lookup_and_goto_ptr(db, toy_pc, flags);
    tcg_temp_free_i32(flags);
}

static void toy_init_disas_context(DisasContextBase *db, CPUState *cpu)
{
    toy_slots = 0;
}

/* The toy has no delay slots nor facts carried between insns: every insn boundary
 * is a join point. */
static bool toy_region_join(DisasContextBase *db, CPUState *cpu)
{
    return true;
}

static void toy_region_block_start(DisasContextBase *db, CPUState *cpu) { }

static void toy_region_exit(DisasContextBase *db, vaddr dest, bool to_loop)
{
    if (to_loop) {
        tcg_gen_movi_i32(toy_pc, dest);
        tcg_gen_exit_tb(NULL, 0);
    } else {
        toy_goto(db, 0, dest);
    }
}
static void toy_tb_start(DisasContextBase *db, CPUState *cpu) { }

static void toy_insn_start(DisasContextBase *db, CPUState *cpu)
{
    tcg_gen_insn_start(db->pc_next, 0);
}

static bool toy_read_optional;     /* this TB's code depends on TOY_MODE_OPTIONAL */

static void toy_translate_insn(DisasContextBase *db, CPUState *cpu)
{
    uint32_t pc = db->pc_next;
    uint32_t w = translator_ldl(cpu, db, pc);
    int op = w >> 24, a = (w >> 20) & 7, b = (w >> 16) & 7;
    int32_t imm = (int16_t)(w & 0xffff);
    MemOp mop = (w >> 8) & 0xff;
    int32_t imm8 = (int8_t)(w & 0xff);

    db->pc_next = pc + 4;
    switch (op) {
    case TOY_ADDI:
        tcg_gen_addi_i32(toy_r[a], toy_r[a], imm);
        break;
    case TOY_ADD:
        tcg_gen_add_i32(toy_r[a], toy_r[a], toy_r[b]);
        break;
    case TOY_LUI:
        tcg_gen_movi_i32(toy_r[a], (uint32_t)(w & 0xffff) << 16);
        break;
    case TOY_ORI:
        tcg_gen_ori_i32(toy_r[a], toy_r[a], w & 0xffff);
        break;
    case TOY_BNEZ: {
        /* In a region: the taken side is a block of this TB (or an exit stub), the
         * TB goes on at the fall-through. */
        TCGLabel *in = translator_branch_label(db, pc + 4 + imm * 4);
        if (!in) {
            in = translator_exit_label(db, pc + 4 + imm * 4);
        }
        if (in) {
            tcg_gen_brcondi_i32(TCG_COND_NE, toy_r[a], 0, in);
            break;
        }
        TCGLabel *taken = gen_new_label();
        tcg_gen_brcondi_i32(TCG_COND_NE, toy_r[a], 0, taken);
        toy_goto(db, 1, pc + 4);
        gen_set_label(taken);
        toy_goto(db, 0, pc + 4 + imm * 4);
        db->is_jmp = DISAS_NORETURN;
        break;
    }
    case TOY_JR:
        tcg_gen_mov_i32(toy_pc, toy_r[a]);
        tcg_gen_lookup_and_goto_ptr();
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_JRP:
        tcg_gen_mov_i32(toy_pc, toy_r[a]);
        toy_gen_probe(db);
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_MODE:
        tcg_gen_st_i32(tcg_constant_i32(w & 0xffff), tcg_env, offsetof(ToyState, mode));
        tcg_gen_movi_i32(toy_pc, pc + 4);
        toy_gen_probe(db);
        db->is_jmp = DISAS_NORETURN;
        break;
    case TOY_ADDM:
        toy_read_optional = true;
        tcg_gen_addi_i32(toy_r[a], toy_r[a], db->tb->flags);
        break;
    case TOY_LD:
    case TOY_ST: {
        TCGv_i32 addr = tcg_temp_new_i32();
        tcg_gen_addi_i32(addr, toy_r[b], imm8);
        if (op == TOY_LD) {
            tcg_gen_qemu_ld_i32(toy_r[a], addr, 0, mop);
        } else {
            tcg_gen_qemu_st_i32(toy_r[a], addr, 0, mop);
        }
        tcg_temp_free_i32(addr);
        break;
    }
    case TOY_LD64:
    case TOY_ST64: {
        TCGv_i32 addr = tcg_temp_new_i32();
        TCGv_i64 v = tcg_temp_new_i64();
        tcg_gen_addi_i32(addr, toy_r[b], imm8);
        if (op == TOY_LD64) {
            tcg_gen_qemu_ld_i64(v, addr, 0, mop | MO_64);
            tcg_gen_extr_i64_i32(toy_r[a], toy_r[(a + 1) & 7], v);
        } else {
            tcg_gen_concat_i32_i64(v, toy_r[a], toy_r[(a + 1) & 7]);
            tcg_gen_qemu_st_i64(v, addr, 0, mop | MO_64);
        }
        tcg_temp_free_i64(v);
        tcg_temp_free_i32(addr);
        break;
    }
    case TOY_HALT:
    default:
        tcg_gen_movi_i32(toy_pc, pc);
        tcg_gen_call1(&info_toy_halt, NULL, tcgv_ptr_temp(tcg_env));
        db->is_jmp = DISAS_NORETURN;
        break;
    }
}

static void toy_tb_stop(DisasContextBase *db, CPUState *cpu)
{
    if (db->is_jmp == DISAS_TOO_MANY || db->is_jmp == DISAS_NEXT) {
        toy_goto(db, 0, db->pc_next);
    }
}

static const TranslatorOps toy_translator_ops = {
    .init_disas_context = toy_init_disas_context,
    .tb_start = toy_tb_start,
    .insn_start = toy_insn_start,
    .translate_insn = toy_translate_insn,
    .tb_stop = toy_tb_stop,
};

static const TranslatorOps toy_region_ops = {
    .init_disas_context = toy_init_disas_context,
    .tb_start = toy_tb_start,
    .insn_start = toy_insn_start,
    .translate_insn = toy_translate_insn,
    .tb_stop = toy_tb_stop,
    .region_join = toy_region_join,
    .region_block_start = toy_region_block_start,
    .region_exit = toy_region_exit,
};

static void toy_translate_code(CPUState *cpu, TranslationBlock *tb, int *max_insns)
{
    DisasContextBase db;

    toy_read_optional = false;
    translator_loop(cpu, tb, max_insns, toy_regions ? &toy_region_ops : &toy_translator_ops,
                    &db);
    if (!toy_read_optional) {
        tb->flags_mask &= ~TOY_MODE_OPTIONAL;
    }
}

static void toy_get_tb_cpu_state(CPUState *cpu, vaddr *pc, uint32_t *cs_base,
                                 uint32_t *flags)
{
    *pc = ((ToyState *)cpu)->pc;
    *cs_base = 0;
    *flags = ((ToyState *)cpu)->mode;
}

static void toy_synchronize_from_tb(CPUState *cpu, const TranslationBlock *tb)
{
    ((ToyState *)cpu)->pc = tb->pc;
}

static void toy_restore_state_to_opc(CPUState *cpu, const TranslationBlock *tb,
                                     const uint64_t *data)
{
    ((ToyState *)cpu)->pc = data[0];
}

static bool toy_tlb_fill(CPUState *cpu, vaddr addr, int size, MMUAccessType type,
                         int mmu_idx, bool probe, uintptr_t retaddr)
{
    ToyState *env = (ToyState *)cpu;
    bool mmio = addr >= TOY_MMIO_BASE && addr < TOY_MMIO_BASE + TARGET_PAGE_SIZE;
    if (addr < env->ram_limit || mmio) {
        tlb_set_page(cpu, addr & TARGET_PAGE_MASK, addr & TARGET_PAGE_MASK,
                     PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx, TARGET_PAGE_SIZE);
        return true;
    }
    if (probe) {
        return false;
    }
    env->fault_addr = addr;
    cpu->exception_index = TOY_EXCP_FAULT;
    cpu_loop_exit_restore(cpu, retaddr);
}

static void toy_do_unaligned_access(CPUState *cpu, vaddr addr, MMUAccessType type,
                                    int mmu_idx, uintptr_t retaddr)
{
    ((ToyState *)cpu)->fault_addr = addr;
    cpu->exception_index = TOY_EXCP_FAULT;
    cpu_loop_exit_restore(cpu, retaddr);
}

static void toy_do_interrupt(CPUState *cpu)
{
    ToyState *env = (ToyState *)cpu;
    if (cpu->exception_index == TOY_EXCP_FAULT) {
        env->fault_pc = env->pc;
        env->fault_count++;
        env->pc = env->handler;
    }
}

static bool toy_has_work(CPUState *cpu)
{
    return true;
}

static int toy_mmu_index(CPUState *cpu, bool ifetch)
{
    return 0;
}

const CPUClass toy_cpu_class = {
    .arch_name = "toy",
    .model_name = "toy",
    .state_size = sizeof(ToyState),
    .has_work = toy_has_work,
    .do_interrupt = toy_do_interrupt,
    .get_tb_cpu_state = toy_get_tb_cpu_state,
    .synchronize_from_tb = toy_synchronize_from_tb,
    .restore_state_to_opc = toy_restore_state_to_opc,
    .tlb_fill = toy_tlb_fill,
    .do_unaligned_access = toy_do_unaligned_access,
    .mmu_index = toy_mmu_index,
    .translate_code = toy_translate_code,
    .tb_flags_optional = TOY_MODE_OPTIONAL,
    .tcg_init = toy_tcg_init,
};
