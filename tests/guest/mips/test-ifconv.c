/*
 * If-conversion (tcg/ifconv.c): intloop's loop, whose data-dependent branch the
 * engine profiles and then if-converts, computes the architected checksum before
 * and after the conversion; and the TEQ that guards its divide, once the loop runs
 * converted, traps at the right iteration with EPC on the TEQ, Cause.BD clear and
 * the registers of that moment (nothing of the even arm done, the odd arm's
 * results of earlier iterations all there). Checked against QEMU too
 * (make check-guest-mips-qemu).
 */
#include "lib.h"
#include "../ifconv-ref.h"


u32 t_ifc_loop(u32 n, u32 x, u32 k);
extern char x_ifc_teq[], x_ifc_bail[];

static volatile u32 ntrap, trap_epc, trap_cause, trap_i, trap_acc, trap_x, trap_div;

static int trap_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) != 13) {
        return 0;
    }
    ntrap++;
    trap_epc = f->epc;
    trap_cause = f->cause;
    trap_i = f->r[8];       /* t0 */
    trap_acc = f->r[9];     /* t1 */
    trap_x = f->r[3];       /* v1 */
    trap_div = f->r[5];     /* a1 */
    f->epc = (u32)x_ifc_bail;
    return 1;
}

int main(void)
{
    /* Long enough for the profile (2048 runs), the verdict and a converted run. */
    check("intloop shape, 100000 iterations", t_ifc_loop(100000, 2463534242u, 3),
          ref_loop(100000, 2463534242u, 3));
    check("intloop shape, again (converted)", t_ifc_loop(100000, 2463534242u, 3),
          ref_loop(100000, 2463534242u, 3));
    check("intloop shape, other seed", t_ifc_loop(54321, 0x9e3779b9u, 5),
          ref_loop(54321, 0x9e3779b9u, 5));
    check("intloop shape, one iteration", t_ifc_loop(1, 12345, 3), ref_loop(1, 12345, 3));

    /* k = 0: the divisor is 0 whenever i % 8 == 0. The seed's first iteration is
     * odd, so the trap fires in the loop's TB at the odd arm (the converted one). */
    u32 seed = 3, i = 0, acc = 0, x = 0;
    check("trap seed starts odd", xorshift(seed) & 1, 1);
    check("trap reference found", ref_trap(seed, &i, &acc, &x), 1);
    check("trap after some iterations", i > 20, 1);
    exc_hook = trap_hook;
    u32 r = t_ifc_loop(100000, seed, 0);
    exc_hook = 0;
    check("trap: taken once", ntrap, 1);
    check("trap: bailed out", r, 0);
    check("trap: EPC on the TEQ", trap_epc, (u32)x_ifc_teq);
    check("trap: not in a delay slot", trap_cause & CAUSE_BD, 0);
    check("trap: iteration", trap_i, i);
    check("trap: acc of the iterations before", trap_acc, acc);
    check("trap: x of this iteration", trap_x, x);
    check("trap: divisor", trap_div, 0);
    done();
    return 0;
}
