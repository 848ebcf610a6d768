/*
 * Unit tests for softmmu/sandbox.c: -sandbox parsing, and the filter itself.
 * Criterion runs every test in its own process, so each test that loads the
 * filter confines only itself: the denied call must kill it (SIGSYS), the
 * allowed ones (threads, I/O) must keep working.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "sysemu/sandbox.h"

static SandboxConfig parse_ok(const char *arg)
{
    SandboxConfig c;
    GError *err = NULL;

    cr_assert(sandbox_parse(arg, &c, &err), "%s: %s", arg, err ? err->message : "");
    return c;
}

static void parse_bad(const char *arg, const char *why)
{
    SandboxConfig c;
    GError *err = NULL;

    cr_assert_not(sandbox_parse(arg, &c, &err), "'%s' accepted", arg);
    cr_assert_not_null(strstr(err->message, why), "%s: %s", arg, err->message);
    g_error_free(err);
}

Test(sandbox, parse)
{
    SandboxConfig c = parse_ok("on");

    cr_assert(c.on && c.obsolete, "obsolete calls are denied by default");
    cr_assert_not(c.elevate || c.spawn || c.resourcectl);
    c = parse_ok("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    cr_assert(c.on && c.obsolete && c.elevate && c.spawn && c.resourcectl);
    c = parse_ok("on,obsolete=allow,elevateprivileges=children");
    cr_assert(!c.obsolete && c.elevate);
    cr_assert_not(parse_ok("off").on);
    parse_bad("", "on or off");
    parse_bad("yes", "on or off");
    parse_bad("on,spawn", "key=value");
    parse_bad("on,spawn=children", "allow or deny");
    parse_bad("on,fork=deny", "unknown option");
}

Test(sandbox, off_loads_nothing)
{
    SandboxConfig c = parse_ok("off");
    GError *err = NULL;
    pid_t pid;

    cr_assert(sandbox_install(&c, &err));
    cr_assert_not(sandbox_spawn_denied());
    pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    cr_assert_gt(pid, 0);
    waitpid(pid, NULL, 0);
}

static gpointer thread_fn(gpointer p)
{
    return p;
}

static void install(const char *arg)
{
    SandboxConfig c = parse_ok(arg);
    GError *err = NULL;

    cr_assert(sandbox_install(&c, &err), "%s", err ? err->message : "");
}

Test(sandbox, spawn_deny_kills_fork, .signal = SIGSYS)
{
    install("on,spawn=deny");
    cr_assert(sandbox_spawn_denied());
    /* Threads are still fine (clone with CLONE_THREAD, or clone3's fallback). */
    GThread *t = g_thread_new("sandboxed", thread_fn, (gpointer)0x1234);
    cr_assert_eq(g_thread_join(t), (gpointer)0x1234);
    pid_t pid = fork();
    if (pid == 0) {
        _exit(0);               /* without the filter: the child just leaves */
    }
    waitpid(pid, NULL, 0);
    cr_assert_fail("fork() returned under spawn=deny");
}

Test(sandbox, spawn_deny_kills_exec, .signal = SIGSYS)
{
    char *argv[] = { (char *)"/bin/true", NULL };

    install("on,spawn=deny");
    execv(argv[0], argv);
    cr_assert_fail("execv() returned under spawn=deny");
}

Test(sandbox, elevateprivileges_deny_kills_setuid, .signal = SIGSYS)
{
    install("on,elevateprivileges=deny");
    cr_assert_eq(getpid(), getpid());       /* ordinary calls go through */
    if (setuid(getuid()) == 0) {
        cr_assert_fail("setuid() succeeded under elevateprivileges=deny");
    }
    cr_assert_fail("setuid() returned under elevateprivileges=deny");
}

Test(sandbox, obsolete_calls_kill_by_default, .signal = SIGSYS)
{
    install("on");
    syscall(SYS_sysfs, 3);
    cr_assert_fail("sysfs(2) returned under -sandbox on");
}

/* Does this kernel take i386 system calls (IA32 emulation)? getpid is 20 there.
 * Probed in a child: without it, int 0x80 is a SIGSEGV. */
static bool have_int80(void)
{
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        long ret = 20;
        __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
        _exit(ret == getpid() ? 0 : 1);
    }
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

Test(sandbox, the_i386_entry_point_is_covered_too)
{
    int status;
    pid_t pid;

    if (!have_int80()) {
        cr_skip_test("this kernel has no i386 system calls (IA32 emulation off)");
    }
    /* The filter goes into a child, which forks through int 0x80 (i386's
     * __NR_fork is 2): the filter must kill it. */
    pid = fork();
    if (pid == 0) {
        SandboxConfig c;
        GError *err = NULL;
        long ret = 2;

        if (!sandbox_parse("on,spawn=deny", &c, &err) || !sandbox_install(&c, &err)) {
            _exit(3);
        }
        __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
        _exit(ret == 0 ? 0 : 4);        /* the fork went through */
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
              "int 0x80 fork: child status 0x%x, wanted death by SIGSYS", status);
}

Test(sandbox, resourcecontrol_deny_fails_with_eperm)
{
    cpu_set_t set;

    install("on,resourcecontrol=deny");
    cr_assert_eq(sched_getaffinity(0, sizeof(set), &set), 0, "reading is allowed");
    errno = 0;
    cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), -1);
    cr_assert_eq(errno, EPERM);
    errno = 0;
    cr_assert_eq(setpriority(PRIO_PROCESS, 0, 5), -1);
    cr_assert_eq(errno, EPERM);
}
