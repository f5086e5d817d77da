# core.mk - the portable core's sources, shared by the device build (device-app/Makefile)
# and the host build (device-app/host/Makefile). Include it; paths are absolute-free and
# relative to this file's directory, so it works from any including Makefile.
#   include path/to/device-app/core.mk
#   SRCS += $(CORE_SRCS);  CFLAGS += $(addprefix -I,$(CORE_INCLUDES))
# The core has no heap, no libc IO, no initialised writable globals (.data stays empty); it
# needs only memcpy/memset/memcmp/memmove from the toolchain (freestanding builds: provide them).
CORE_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
CORE_DIR := $(CORE_MK_DIR)/core

CORE_CRYPTO_SRCS := wipe.c md_block.c sha256.c hmac_sha256.c mont.c fe.c sc.c ge.c ge_gen_table.c ge_multi.c h2f.c tagged.c \
                    secret_arith.c \
                    ecdsa.c bip340.c aes256.c gcm.c ecies.c vss.c
CORE_APP_SRCS := apdu_reader.c dispatch.c key_kinds.c key_policy.c spark_keys.c nonce_store.c split_pool.c \
                 frost_share.c frost_request.c chunked.c tx.c tx_classify.c taproot.c network.c intent.c session_cache.c settings.c pager.c ux.c ux_text.c review.c review_key.c key_public.c \
                 handler_get_version.c handler_get_pubkey.c handler_sign_identity.c \
                 handler_frost_commit.c handler_frost_sign.c \
                 handler_htlc_hmac.c handler_export_static_key.c handler_ecies_pubkey.c handler_key_split.c handler_split_prepare.c \
                 handler_exit_sweep.c handler_frost_sign_tx.c handler_transfer_intent.c handler_exit_intent.c exit_tx.c bech32.c \
                 id_statement.c identity_sign.c handler_sign_identity_clear.c

CORE_SRCS := $(addprefix $(CORE_DIR)/crypto/,$(CORE_CRYPTO_SRCS)) \
             $(addprefix $(CORE_DIR)/,$(CORE_APP_SRCS))
CORE_INCLUDES := $(CORE_DIR) $(CORE_DIR)/crypto
