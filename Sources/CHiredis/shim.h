#ifndef GATEHOUSE_CHIREDIS_SHIM_H
#define GATEHOUSE_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <stdlib.h>
#include <string.h>

/*
 * Reply objects from a per-connection arena instead of one malloc per object (hiredis' default
 * functions allocate a redisReply per element plus a copy of each string, and free them one by
 * one after the callback). The objects are ordinary `redisReply` structs, so every reader of a
 * reply works unchanged; only their memory differs. Sound because hiredis holds at most one
 * top-level reply per reader at a time: it parses one, runs its callback, frees it (the only
 * `freeObject` calls are on a top-level reply: after its callback, on a protocol error, when the
 * reader is freed), and only then starts the next. So freeing a top-level reply empties the
 * whole arena. Every object is preceded by a 16-byte header holding its arena (`freeObject`
 * gets no privdata). What does not fit in the arena's block (a long bulk string, a big array)
 * gets its own malloc, freed with the reply. The arena must outlive the reader: free it only
 * after the context is gone (docs/performance.md, "Session from Redis, round 4").
 */
typedef struct gh_reply_spill {
    struct gh_reply_spill *next;
    long long align;
} gh_reply_spill;

typedef struct gh_reply_arena {
    char *base;
    size_t size;
    size_t used;
    gh_reply_spill *spilled;
} gh_reply_arena;

static inline gh_reply_arena *gh_reply_arena_new(size_t size) {
    gh_reply_arena *arena = (gh_reply_arena *)calloc(1, sizeof(gh_reply_arena));
    if (arena == NULL) return NULL;
    arena->base = (char *)malloc(size);
    if (arena->base == NULL) {
        free(arena);
        return NULL;
    }
    arena->size = size;
    return arena;
}

static inline void gh_reply_arena_reset(gh_reply_arena *arena) {
    gh_reply_spill *spill = arena->spilled;
    while (spill != NULL) {
        gh_reply_spill *next = spill->next;
        free(spill);
        spill = next;
    }
    arena->spilled = NULL;
    arena->used = 0;
}

static inline void gh_reply_arena_free(gh_reply_arena *arena) {
    if (arena == NULL) return;
    gh_reply_arena_reset(arena);
    free(arena->base);
    free(arena);
}

/* `count` bytes, 16-byte aligned; NULL when out of memory (hiredis reports OOM). */
static inline void *gh_reply_arena_take(gh_reply_arena *arena, size_t count) {
    size_t rounded = (count + 15) & ~(size_t)15;
    if (rounded < count) return NULL;
    if (arena->size - arena->used >= rounded) {
        void *at = arena->base + arena->used;
        arena->used += rounded;
        return at;
    }
    if (rounded > (size_t)-1 - sizeof(gh_reply_spill)) return NULL;
    gh_reply_spill *spill = (gh_reply_spill *)malloc(sizeof(gh_reply_spill) + rounded);
    if (spill == NULL) return NULL;
    spill->next = arena->spilled;
    arena->spilled = spill;
    return (char *)spill + sizeof(gh_reply_spill);
}

static inline redisReply *gh_reply_new(const redisReadTask *task, int type) {
    gh_reply_arena *arena = (gh_reply_arena *)task->privdata;
    char *at = (char *)gh_reply_arena_take(arena, 16 + sizeof(redisReply));
    if (at == NULL) return NULL;
    *(gh_reply_arena **)at = arena;
    redisReply *reply = (redisReply *)(at + 16);
    memset(reply, 0, sizeof(redisReply));
    reply->type = type;
    return reply;
}

static inline void *gh_reply_link(const redisReadTask *task, redisReply *reply) {
    if (task->parent != NULL) {
        redisReply *parent = (redisReply *)task->parent->obj;
        parent->element[task->idx] = reply;
    }
    return reply;
}

static inline void *gh_reply_create_string(const redisReadTask *task, char *str, size_t len) {
    redisReply *reply = gh_reply_new(task, task->type);
    if (reply == NULL || len == (size_t)-1) return NULL;
    char *bytes = (char *)gh_reply_arena_take((gh_reply_arena *)task->privdata, len + 1);
    if (bytes == NULL) return NULL;
    memcpy(bytes, str, len);
    bytes[len] = '\0';
    reply->str = bytes;
    reply->len = len;
    return gh_reply_link(task, reply);
}

static inline void *gh_reply_create_array(const redisReadTask *task, int elements) {
    redisReply *reply = gh_reply_new(task, REDIS_REPLY_ARRAY);
    if (reply == NULL) return NULL;
    if (elements > 0) {
        size_t count = (size_t)elements;
        if (count > ((size_t)-1) / sizeof(redisReply *)) return NULL;
        reply->element =
            (redisReply **)gh_reply_arena_take((gh_reply_arena *)task->privdata, count * sizeof(redisReply *));
        if (reply->element == NULL) return NULL;
        memset(reply->element, 0, count * sizeof(redisReply *));
    }
    reply->elements = elements > 0 ? (size_t)elements : 0;
    return gh_reply_link(task, reply);
}

static inline void *gh_reply_create_integer(const redisReadTask *task, long long value) {
    redisReply *reply = gh_reply_new(task, REDIS_REPLY_INTEGER);
    if (reply == NULL) return NULL;
    reply->integer = value;
    return gh_reply_link(task, reply);
}

static inline void *gh_reply_create_nil(const redisReadTask *task) {
    redisReply *reply = gh_reply_new(task, REDIS_REPLY_NIL);
    if (reply == NULL) return NULL;
    return gh_reply_link(task, reply);
}

static inline void gh_reply_free(void *reply) {
    if (reply == NULL) return;
    gh_reply_arena_reset(*(gh_reply_arena **)((char *)reply - 16));
}

/* Switches `reader` to `arena` (before any reply was read). */
static inline void gh_reply_arena_attach(redisReader *reader, gh_reply_arena *arena) {
    static redisReplyObjectFunctions functions = {
        gh_reply_create_string, gh_reply_create_array, gh_reply_create_integer, gh_reply_create_nil,
        gh_reply_free};
    reader->fn = &functions;
    reader->privdata = arena;
}

#endif
