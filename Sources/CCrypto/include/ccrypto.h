#ifndef CCRYPTO_H
#define CCRYPTO_H

// Typed wrappers over OpenSSL 3 libcrypto for the national (SM2/SM3/SM4) algorithms and RSA2,
// so Swift never touches OpenSSL's variadic functions or macros.
// Status convention: CCRYPTO_OK (1) on success; verify functions return 1 for a valid signature,
// 0 for an invalid one and a negative value when the inputs could not even be processed.

#include <stddef.h>
#include <stdint.h>

#define CCRYPTO_OK 1
#define CCRYPTO_ERROR (-1)

#define CCRYPTO_SM3_LENGTH 32
#define CCRYPTO_SHA256_LENGTH 32
#define CCRYPTO_SM4_KEY_LENGTH 16
#define CCRYPTO_SM4_IV_LENGTH 16

typedef enum {
    CCRYPTO_DIGEST_SM3 = 1,
    CCRYPTO_DIGEST_SHA256 = 2,
} ccrypto_digest;

typedef enum {
    CCRYPTO_KEY_OTHER = 0,
    CCRYPTO_KEY_SM2 = 1,
    CCRYPTO_KEY_RSA = 2,
} ccrypto_key_type;

/// An owned OpenSSL key (EVP_PKEY); release with ccrypto_key_free.
typedef struct ccrypto_key ccrypto_key;

/// Frees buffers this library allocated (PEM text, signatures).
void ccrypto_free(void *buffer);

int ccrypto_sm3(const uint8_t *data, size_t length, uint8_t out[CCRYPTO_SM3_LENGTH]);
int ccrypto_hmac(ccrypto_digest digest, const uint8_t *key, size_t key_length,
                 const uint8_t *message, size_t message_length, uint8_t out[32]);
/// CTR mode is its own inverse: the same call encrypts and decrypts. `out` holds `length` bytes.
int ccrypto_sm4_ctr(const uint8_t key[CCRYPTO_SM4_KEY_LENGTH], const uint8_t iv[CCRYPTO_SM4_IV_LENGTH],
                    const uint8_t *in, size_t length, uint8_t *out);
int ccrypto_pbkdf2_sha256(const uint8_t *password, size_t password_length,
                          const uint8_t *salt, size_t salt_length, uint32_t iterations,
                          uint8_t *out, size_t out_length);

ccrypto_key *ccrypto_sm2_generate(void);
ccrypto_key *ccrypto_rsa_generate(uint32_t bits);
/// Decodes PEM or DER, any structure (PKCS#8, SubjectPublicKeyInfo, PKCS#1). NULL if unreadable.
ccrypto_key *ccrypto_key_decode_private(const uint8_t *data, size_t length);
ccrypto_key *ccrypto_key_decode_public(const uint8_t *data, size_t length);
void ccrypto_key_free(ccrypto_key *key);
ccrypto_key_type ccrypto_key_get_type(const ccrypto_key *key);
int ccrypto_key_bits(const ccrypto_key *key);
/// PKCS#8 PEM of the private key; `*out` is NUL-terminated and freed with ccrypto_free.
int ccrypto_key_private_pem(const ccrypto_key *key, char **out, size_t *out_length);
/// SubjectPublicKeyInfo PEM; works on private keys too.
int ccrypto_key_public_pem(const ccrypto_key *key, char **out, size_t *out_length);

/// SM2 with SM3 and the signer's distinguishing ID; the signature is DER (SEQUENCE of r, s).
int ccrypto_sm2_sign(const ccrypto_key *key, const uint8_t *signer_id, size_t signer_id_length,
                     const uint8_t *message, size_t message_length,
                     uint8_t **signature, size_t *signature_length);
int ccrypto_sm2_verify(const ccrypto_key *key, const uint8_t *signer_id, size_t signer_id_length,
                       const uint8_t *message, size_t message_length,
                       const uint8_t *signature, size_t signature_length);

/// SHA256withRSA, PKCS#1 v1.5 padding (Alipay "RSA2").
int ccrypto_rsa_sha256_sign(const ccrypto_key *key, const uint8_t *message, size_t message_length,
                            uint8_t **signature, size_t *signature_length);
int ccrypto_rsa_sha256_verify(const ccrypto_key *key, const uint8_t *message, size_t message_length,
                              const uint8_t *signature, size_t signature_length);

#endif
