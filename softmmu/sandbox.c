/*
 * -sandbox on: a seccomp filter (Linux seccomp(2), mode SECCOMP_SET_MODE_FILTER)
 * built with libseccomp, whose rule language resolves system-call names per
 * architecture and compiles the BPF program. The filter is a deny list in four
 * groups, named as in QEMU's documentation of -sandbox:
 *   obsolete            calls no current program needs (on by default)
 *   elevateprivileges   set*uid, set*gid, setgroups
 *   spawn               fork, vfork, execve(at), clone without CLONE_THREAD
 *   resourcecontrol     changing scheduling policy, priority or CPU affinity
 * It covers the i386 and x32 entry points too, so `int 0x80` cannot go around
 * it, and every thread (SECCOMP_FILTER_FLAG_TSYNC). A denied call of the first
 * three groups kills the process: no honest path of mimic makes it, so it means
 * the emulator was subverted. Resource-control calls fail with EPERM instead:
 * libraries probe them (and cope), and the host's policy stays in force.
 *
 * elevateprivileges=children is QEMU's setting that keeps the calls for child
 * processes only; mimic starts no children, so it denies them as deny does.
 */
#include "qemu/osdep.h"
#include <seccomp.h>
#include <sched.h>
#include "sysemu/sandbox.h"

static bool sandbox_spawn_is_denied;

bool sandbox_spawn_denied(void)
{
    return sandbox_spawn_is_denied;
}

/* "allow" / "deny" (and "children" where it may be): true for a deny. */
static bool sandbox_parse_choice(const char *key, const char *val, bool children_ok,
                                 bool *deny, GError **errp)
{
    if (strcmp(val, "deny") == 0 || (children_ok && strcmp(val, "children") == 0)) {
        *deny = true;
        return true;
    }
    if (strcmp(val, "allow") == 0) {
        *deny = false;
        return true;
    }
    error_setg(errp, "-sandbox: %s takes allow or deny%s, not '%s'", key,
               children_ok ? " or children" : "", val);
    return false;
}

bool sandbox_parse(const char *arg, SandboxConfig *cfg, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    memset(cfg, 0, sizeof(*cfg));
    cfg->obsolete = true;
    if (!parts[0] || !(strcmp(parts[0], "on") == 0 || strcmp(parts[0], "off") == 0 ||
                       strcmp(parts[0], "1") == 0 || strcmp(parts[0], "0") == 0)) {
        error_setg(errp, "-sandbox: expected on or off first, not '%s'",
                   parts[0] ? parts[0] : "");
        return false;
    }
    cfg->on = strcmp(parts[0], "on") == 0 || strcmp(parts[0], "1") == 0;
    for (int i = 1; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        bool ok;

        if (!eq) {
            error_setg(errp, "-sandbox: '%s' is not key=value", parts[i]);
            return false;
        }
        *eq = 0;
        if (strcmp(parts[i], "obsolete") == 0) {
            ok = sandbox_parse_choice(parts[i], eq + 1, false, &cfg->obsolete, errp);
        } else if (strcmp(parts[i], "elevateprivileges") == 0) {
            ok = sandbox_parse_choice(parts[i], eq + 1, true, &cfg->elevate, errp);
        } else if (strcmp(parts[i], "spawn") == 0) {
            ok = sandbox_parse_choice(parts[i], eq + 1, false, &cfg->spawn, errp);
        } else if (strcmp(parts[i], "resourcecontrol") == 0) {
            ok = sandbox_parse_choice(parts[i], eq + 1, false, &cfg->resourcectl, errp);
        } else {
            error_setg(errp, "-sandbox: unknown option '%s'", parts[i]);
            return false;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

static const char *const sandbox_obsolete[] = {
    "_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime",
    "get_kernel_syms", "getpmsg", "gtty", "lock", "mpx", "nfsservctl", "prof",
    "profil", "putpmsg", "query_module", "readdir", "security", "sgetmask",
    "ssetmask", "stty", "sysfs", "tuxcall", "uselib", "ustat", "vm86", "vm86old",
    "vserver", NULL
};

static const char *const sandbox_elevate[] = {
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid",
    "setfsgid", "setgroups", "setuid32", "setgid32", "setreuid32", "setregid32",
    "setresuid32", "setresgid32", "setfsuid32", "setfsgid32", "setgroups32", NULL
};

static const char *const sandbox_spawn[] = {
    "fork", "vfork", "execve", "execveat", NULL
};

static const char *const sandbox_resource[] = {
    "setpriority", "sched_setparam", "sched_setscheduler", "sched_setaffinity",
    "sched_setattr", NULL
};

/* One rule per name this libseccomp knows (names missing on every architecture,
 * an old kernel's header say, are skipped: nothing can call them). */
static bool sandbox_add_list(scmp_filter_ctx ctx, uint32_t action,
                             const char *const *names, GError **errp)
{
    for (int i = 0; names[i]; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        int rc;

        if (nr == __NR_SCMP_ERROR) {
            continue;
        }
        rc = seccomp_rule_add(ctx, action, nr, 0);
        if (rc < 0 && rc != -EEXIST) {
            error_setg(errp, "-sandbox: cannot add a rule for %s: %s", names[i],
                       g_strerror(-rc));
            return false;
        }
    }
    return true;
}

bool sandbox_install(const SandboxConfig *cfg, GError **errp)
{
    static const uint32_t extra_arches[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
    const uint32_t kill = SCMP_ACT_KILL_PROCESS;
    scmp_filter_ctx ctx;
    int rc;
    bool ok = false;

    if (!cfg->on) {
        return true;
    }
    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        error_setg(errp, "-sandbox: cannot create a seccomp filter");
        return false;
    }
    /* The filter also answers for the 32-bit entry points (int 0x80, x32). */
    for (size_t i = 0; i < ARRAY_SIZE(extra_arches); i++) {
        rc = seccomp_arch_add(ctx, extra_arches[i]);
        if (rc < 0 && rc != -EEXIST) {
            error_setg(errp, "-sandbox: cannot cover architecture %u: %s",
                       extra_arches[i], g_strerror(-rc));
            goto out;
        }
    }
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0 ||
        (rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, kill)) < 0) {
        error_setg(errp, "-sandbox: %s", g_strerror(-rc));
        goto out;
    }
    if (cfg->obsolete && !sandbox_add_list(ctx, kill, sandbox_obsolete, errp)) {
        goto out;
    }
    if (cfg->elevate && !sandbox_add_list(ctx, kill, sandbox_elevate, errp)) {
        goto out;
    }
    if (cfg->spawn) {
        if (!sandbox_add_list(ctx, kill, sandbox_spawn, errp)) {
            goto out;
        }
        /* Threads are clones with CLONE_THREAD: only a new process is denied.
         * clone3 passes its flags in memory, out of a filter's reach: it fails
         * with ENOSYS, and the C library falls back to clone. */
        rc = seccomp_rule_add(ctx, kill, SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
        if (rc == 0) {
            int nr = seccomp_syscall_resolve_name("clone3");
            rc = nr == __NR_SCMP_ERROR ? 0
                 : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
        }
        if (rc < 0) {
            error_setg(errp, "-sandbox: cannot add the clone rules: %s", g_strerror(-rc));
            goto out;
        }
    }
    if (cfg->resourcectl &&
        !sandbox_add_list(ctx, SCMP_ACT_ERRNO(EPERM), sandbox_resource, errp)) {
        goto out;
    }
    rc = seccomp_load(ctx);
    if (rc < 0) {
        error_setg(errp, "-sandbox: the kernel refused the seccomp filter: %s",
                   g_strerror(-rc));
        goto out;
    }
    sandbox_spawn_is_denied = cfg->spawn;
    ok = true;
out:
    seccomp_release(ctx);
    return ok;
}
