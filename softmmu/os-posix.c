/*
 * Process-level start-up options of the POSIX host: -daemonize, -pidfile and
 * -overcommit mem-lock.
 *
 * -daemonize forks before anything is set up. The parent waits for the child to
 * finish its initialisation and exits with its outcome (0 when it is ready, 1
 * when it failed, after it printed why on the still-shared stderr), so a script
 * that starts mimic can connect to its sockets as soon as the command returns.
 * The daemon is the child's child, in a new session it does not lead; once
 * ready it moves to / and puts its standard streams on /dev/null.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "internal.h"

static int daemon_pipe = -1;        /* child's end: one status byte for the parent */
static char *pidfile_path;
static int pidfile_fd = -1;
static pid_t pidfile_owner;

/* The parent's side: wait for the daemon's status byte and exit with it. */
static void G_GNUC_NORETURN os_daemonize_wait(int fd)
{
    uint8_t status = 1;
    ssize_t n;

    do {
        n = read(fd, &status, 1);
    } while (n < 0 && errno == EINTR);
    /* No byte: the daemon died during initialisation (it said why). */
    _exit(n == 1 ? status : 1);
}

bool os_daemonize_start(GError **errp)
{
    int fds[2];

    if (pipe(fds) < 0) {
        error_setg_errno(errp, errno, "-daemonize: pipe");
        return false;
    }
    /*
     * Fork twice, with a new session between: the daemon, not a session
     * leader, can never acquire a controlling terminal by opening one (a
     * -serial /dev/ttyS0, say). The first child only creates the session.
     */
    for (int round = 0; round < 2; round++) {
        pid_t pid = fork();

        if (pid < 0) {
            error_setg_errno(errp, errno, "-daemonize: fork");
            return false;
        }
        if (pid > 0) {
            if (round == 0) {
                close(fds[1]);
                os_daemonize_wait(fds[0]);
            }
            _exit(0);
        }
        if (round == 0) {
            close(fds[0]);
            if (setsid() < 0) {
                error_setg_errno(errp, errno, "-daemonize: setsid");
                return false;
            }
        }
    }
    daemon_pipe = fds[1];
    return true;
}

void os_daemonize_ready(void)
{
    uint8_t ok = 0;
    int null;

    if (daemon_pipe < 0) {
        return;
    }
    if (chdir("/") < 0) {
        error_report("-daemonize: chdir /: %s", g_strerror(errno));
    }
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        fflush(NULL);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        close(null);
    }
    if (write(daemon_pipe, &ok, 1) != 1) {
        /* The parent is gone: nobody to tell. */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

static void os_pidfile_remove(void)
{
    /* Only the process that wrote it (not a forked helper) removes it. */
    if (pidfile_path && pidfile_fd >= 0 && getpid() == pidfile_owner) {
        unlink(pidfile_path);
        close(pidfile_fd);
        pidfile_fd = -1;
    }
}

bool os_pidfile_write(const char *path, GError **errp)
{
    char buf[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int len;

    if (fd < 0) {
        error_setg_errno(errp, errno, "-pidfile %s: cannot open", path);
        return false;
    }
    /* A second mimic with the same pid file must not take it over. */
    if (lockf(fd, F_TLOCK, 0) < 0) {
        error_setg(errp, "-pidfile %s: in use by another process (%s)", path,
                   g_strerror(errno));
        close(fd);
        return false;
    }
    len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, len) != len) {
        error_setg_errno(errp, errno, "-pidfile %s: cannot write", path);
        close(fd);
        return false;
    }
    pidfile_fd = fd;
    pidfile_owner = getpid();
    /* An absolute path: -daemonize changes the working directory later. */
    pidfile_path = g_canonicalize_filename(path, NULL);
    atexit(os_pidfile_remove);
    return true;
}

bool os_mlock_all(GError **errp)
{
    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_setg_errno(errp, errno, "-overcommit mem-lock=on: locking memory failed "
                         "(RLIMIT_MEMLOCK, see ulimit -l)");
        return false;
    }
    return true;
}
