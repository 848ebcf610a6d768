/*
 * The TCG accelerator: "-accel tcg[,tb-size=MB][,backend=x86_64|interp]
 * [,ifconv=on|off|always]".
 */
#include "qemu/osdep.h"
#include "sysemu/accel.h"
#include "exec/exec-all.h"

static bool tcg_accel_init(const char *opts, GError **errp)
{
    TCGConfig cfg = { 0 };
    g_auto(GStrv) parts = g_strsplit(opts ? opts : "", ",", -1);

    for (int i = 0; parts[i]; i++) {
        const char *p = parts[i];
        if (!*p) {
            continue;
        }
        if (g_str_has_prefix(p, "tb-size=")) {
            char *end;
            unsigned long v = strtoul(p + 8, &end, 10);
            if (*end || end == p + 8) {
                error_setg(errp, "-accel tcg: tb-size takes a number of MiB, not '%s'",
                           p + 8);
                return false;
            }
            cfg.tb_size_mb = v;
        } else if (!strcmp(p, "backend=interp")) {
            cfg.use_interp = true;
        } else if (!strcmp(p, "backend=x86_64")) {
            cfg.use_interp = false;
        } else if (!strcmp(p, "ifconv=on")) {
            cfg.ifconv = TCG_IFCONV_POLICY_ON;
        } else if (!strcmp(p, "ifconv=off")) {
            cfg.ifconv = TCG_IFCONV_POLICY_OFF;
        } else if (!strcmp(p, "ifconv=always")) {
            cfg.ifconv = TCG_IFCONV_POLICY_ALWAYS;
        } else if (g_str_has_prefix(p, "thread=")) {
            /* QEMU's MTTCG switch: one vCPU thread here either way. */
        } else {
            error_setg(errp, "-accel tcg: unknown option '%s' (tb-size=MB, "
                       "backend=x86_64|interp, ifconv=on|off|always)", p);
            return false;
        }
    }
    return tcg_exec_init(&cfg, errp);
}

static int tcg_vcpu_run(CPUState *cpu)
{
    return cpu_exec(cpu);
}

static void tcg_vcpu_kick(CPUState *cpu)
{
    cpu_exit(cpu);
}

static const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .init = tcg_accel_init,
    .vcpu_run = tcg_vcpu_run,
    .vcpu_kick = tcg_vcpu_kick,
};

__attribute__((constructor))
static void tcg_accel_register(void)
{
    accel_register(&tcg_accel_ops);
}
