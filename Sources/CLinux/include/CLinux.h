#ifndef GATEHOUSE_CLINUX_H
#define GATEHOUSE_CLINUX_H
// Only what Swift's Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <signal.h>

int gh_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
#endif
