/*
 * The stdio back end. On a terminal, stdin goes to raw mode (no echo, no line
 * editing; ISIG kept unless signals are off, as under -nographic, where Ctrl-C
 * belongs to the guest) and is restored at exit and on fatal signals. When stdin
 * is a pipe, a file, /dev/null or closed, input simply ends at EOF: tests drive
 * mimic through pipes.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include "char-internal.h"

static Chardev *stdio_chr;
static struct termios stdio_saved_tio;
static volatile sig_atomic_t stdio_tio_saved;
static Chardev *stdio_mux;

void chardev_restore_terminal(void)
{
    /* Async-signal-safe: called from fatal signal handlers too. */
    if (stdio_tio_saved) {
        tcsetattr(0, TCSANOW, &stdio_saved_tio);
    }
}

static void stdio_fatal_signal(int signo)
{
    chardev_restore_terminal();
    signal(signo, SIG_DFL);
    raise(signo);
}

static void stdio_set_raw(bool signals)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
    struct termios tio;

    if (!isatty(0) || tcgetattr(0, &stdio_saved_tio) < 0) {
        return;
    }
    stdio_tio_saved = 1;
    tio = stdio_saved_tio;
    tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    /* Output post-processing stays on: the guest's "\n" still returns the carriage. */
    tio.c_oflag |= OPOST;
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!signals) {
        tio.c_lflag &= ~ISIG;
    }
    tio.c_cflag &= ~(CSIZE | PARENB);
    tio.c_cflag |= CS8;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &tio);
    atexit(chardev_restore_terminal);
    for (size_t i = 0; i < ARRAY_SIZE(fatal); i++) {
        struct sigaction sa, old;

        sigaction(fatal[i], NULL, &old);
        if (old.sa_handler != SIG_DFL) {
            continue;   /* someone (a sanitizer) handles it already */
        }
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = stdio_fatal_signal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal[i], &sa, NULL);
    }
}

static int chardev_stdio_write(Chardev *chr, const uint8_t *buf, int len)
{
    return chardev_fd_write(chr, buf, len);
}

static const ChardevClass chardev_stdio_class = {
    .kind = "stdio",
    .write = chardev_stdio_write,
};

Chardev *chardev_stdio_new(const char *label, bool signals, GError **errp)
{
    if (stdio_chr) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return NULL;
    }
    stdio_chr = chardev_alloc(&chardev_stdio_class, label, "stdio");
    /* A closed stdin (fd 0 invalid) just means no input. */
    stdio_chr->fd_in = fcntl(0, F_GETFD) >= 0 ? 0 : -1;
    stdio_chr->fd_out = fcntl(1, F_GETFD) >= 0 ? 1 : -1;
    stdio_set_raw(signals);
    return stdio_chr;
}

Chardev *chardev_stdio_mux(void)
{
    Chardev *drv;
    GError *err = NULL;

    if (stdio_mux) {
        return stdio_mux;
    }
    drv = chardev_stdio_new(NULL, false, &err);
    if (!drv) {
        /* stdio already taken by a plain chardev: a command-line conflict. */
        error_report_err(err);
        exit(1);
    }
    stdio_mux = chardev_mux_new("compat_monitor0", drv);
    return stdio_mux;
}

bool chardev_is_stdio(Chardev *chr)
{
    return chr && (chr == stdio_chr || chr == stdio_mux);
}
