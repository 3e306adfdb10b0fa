#include "ccrypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

struct ccrypto_key {
    EVP_PKEY *pkey;
};

// OpenSSL reports failures on a per-thread error queue; nothing reads it, so clear it on failure
// rather than let it grow and confuse a later, unrelated caller on the same thread.
static int fail(void) {
    ERR_clear_error();
    return CCRYPTO_ERROR;
}

static ccrypto_key *wrap(EVP_PKEY *pkey) {
    if (pkey == NULL) {
        ERR_clear_error();
        return NULL;
    }
    ccrypto_key *key = malloc(sizeof *key);
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    key->pkey = pkey;
    return key;
}

void ccrypto_free(void *buffer) { OPENSSL_free(buffer); }

int ccrypto_sm3(const uint8_t *data, size_t length, uint8_t out[CCRYPTO_SM3_LENGTH]) {
    unsigned int out_length = 0;
    if (EVP_Digest(data, length, out, &out_length, EVP_sm3(), NULL) != 1) return fail();
    return CCRYPTO_OK;
}

int ccrypto_hmac(ccrypto_digest digest, const uint8_t *key, size_t key_length,
                 const uint8_t *message, size_t message_length, uint8_t out[32]) {
    const EVP_MD *md = digest == CCRYPTO_DIGEST_SM3 ? EVP_sm3() : digest == CCRYPTO_DIGEST_SHA256 ? EVP_sha256() : NULL;
    if (md == NULL || key_length > INT_MAX) return CCRYPTO_ERROR;
    unsigned int out_length = 0;
    // HMAC() would treat a NULL key as "reuse the previous key"; an empty key must stay empty.
    static const uint8_t empty = 0;
    if (HMAC(md, key_length == 0 ? &empty : key, (int)key_length, message, message_length, out, &out_length) == NULL)
        return fail();
    return CCRYPTO_OK;
}

int ccrypto_sm4_ctr(const uint8_t key[CCRYPTO_SM4_KEY_LENGTH], const uint8_t iv[CCRYPTO_SM4_IV_LENGTH],
                    const uint8_t *in, size_t length, uint8_t *out) {
    if (length > INT_MAX) return CCRYPTO_ERROR;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return fail();
    int status = CCRYPTO_ERROR;
    int written = 0, final_written = 0;
    if (EVP_EncryptInit_ex(ctx, EVP_sm4_ctr(), NULL, key, iv) == 1
        && (length == 0 || EVP_EncryptUpdate(ctx, out, &written, in, (int)length) == 1)
        && EVP_EncryptFinal_ex(ctx, out + written, &final_written) == 1
        && (size_t)(written + final_written) == length) {
        status = CCRYPTO_OK;
    }
    EVP_CIPHER_CTX_free(ctx);
    return status == CCRYPTO_OK ? status : fail();
}

int ccrypto_pbkdf2_sha256(const uint8_t *password, size_t password_length,
                          const uint8_t *salt, size_t salt_length, uint32_t iterations,
                          uint8_t *out, size_t out_length) {
    if (password_length > INT_MAX || salt_length > INT_MAX || out_length > INT_MAX
        || iterations == 0 || iterations > INT_MAX) return CCRYPTO_ERROR;
    static const char empty = 0;
    if (PKCS5_PBKDF2_HMAC(password_length == 0 ? &empty : (const char *)password, (int)password_length,
                          salt, (int)salt_length, (int)iterations, EVP_sha256(), (int)out_length, out) != 1)
        return fail();
    return CCRYPTO_OK;
}

ccrypto_key *ccrypto_sm2_generate(void) {
    return wrap(EVP_PKEY_Q_keygen(NULL, NULL, "SM2"));
}

ccrypto_key *ccrypto_rsa_generate(uint32_t bits) {
    return wrap(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits));
}

static ccrypto_key *decode(const uint8_t *data, size_t length, int selection) {
    EVP_PKEY *pkey = NULL;
    // NULL input type and structure: the decoder tries PEM and DER, PKCS#8 / SPKI / PKCS#1.
    OSSL_DECODER_CTX *ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, NULL, NULL, selection, NULL, NULL);
    if (ctx == NULL) return wrap(NULL);
    const unsigned char *cursor = data;
    size_t remaining = length;
    if (OSSL_DECODER_from_data(ctx, &cursor, &remaining) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    OSSL_DECODER_CTX_free(ctx);
    return wrap(pkey);
}

ccrypto_key *ccrypto_key_decode_private(const uint8_t *data, size_t length) {
    return decode(data, length, EVP_PKEY_KEYPAIR);
}

ccrypto_key *ccrypto_key_decode_public(const uint8_t *data, size_t length) {
    return decode(data, length, EVP_PKEY_PUBLIC_KEY);
}

void ccrypto_key_free(ccrypto_key *key) {
    if (key == NULL) return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

ccrypto_key_type ccrypto_key_get_type(const ccrypto_key *key) {
    if (EVP_PKEY_is_a(key->pkey, "SM2")) return CCRYPTO_KEY_SM2;
    if (EVP_PKEY_is_a(key->pkey, "RSA")) return CCRYPTO_KEY_RSA;
    return CCRYPTO_KEY_OTHER;
}

int ccrypto_key_bits(const ccrypto_key *key) { return EVP_PKEY_get_bits(key->pkey); }

// Copies a memory BIO's contents into a NUL-terminated OPENSSL_malloc'd string.
static int take_bio(BIO *bio, char **out, size_t *out_length) {
    char *data = NULL;
    long length = BIO_get_mem_data(bio, &data);
    if (length <= 0) return CCRYPTO_ERROR;
    char *copy = OPENSSL_malloc((size_t)length + 1);
    if (copy == NULL) return CCRYPTO_ERROR;
    memcpy(copy, data, (size_t)length);
    copy[length] = 0;
    *out = copy;
    *out_length = (size_t)length;
    return CCRYPTO_OK;
}

int ccrypto_key_private_pem(const ccrypto_key *key, char **out, size_t *out_length) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return fail();
    int status = PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) == 1
        ? take_bio(bio, out, out_length) : CCRYPTO_ERROR;
    BIO_free(bio);
    return status == CCRYPTO_OK ? status : fail();
}

int ccrypto_key_public_pem(const ccrypto_key *key, char **out, size_t *out_length) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return fail();
    int status = PEM_write_bio_PUBKEY(bio, key->pkey) == 1 ? take_bio(bio, out, out_length) : CCRYPTO_ERROR;
    BIO_free(bio);
    return status == CCRYPTO_OK ? status : fail();
}

// Starts a sign or verify operation. For SM2 the distinguishing ID enters Z = SM3(ENTL‖ID‖a‖b‖G‖P),
// so it must be set on the operation's own pkey context before any message byte is hashed.
static EVP_MD_CTX *begin(const ccrypto_key *key, const EVP_MD *md, int for_signing,
                         const uint8_t *signer_id, size_t signer_id_length, int rsa_padding) {
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    if (mctx == NULL) return NULL;
    EVP_PKEY_CTX *pctx = NULL; // owned by mctx
    int ok = for_signing
        ? EVP_DigestSignInit(mctx, &pctx, md, NULL, key->pkey)
        : EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key->pkey);
    if (ok == 1 && signer_id != NULL) ok = EVP_PKEY_CTX_set1_id(pctx, signer_id, signer_id_length) > 0;
    if (ok == 1 && rsa_padding != 0) ok = EVP_PKEY_CTX_set_rsa_padding(pctx, rsa_padding) > 0;
    if (ok != 1) {
        EVP_MD_CTX_free(mctx);
        return NULL;
    }
    return mctx;
}

static int sign(const ccrypto_key *key, const EVP_MD *md, const uint8_t *signer_id, size_t signer_id_length,
                int rsa_padding, const uint8_t *message, size_t message_length,
                uint8_t **signature, size_t *signature_length) {
    EVP_MD_CTX *mctx = begin(key, md, 1, signer_id, signer_id_length, rsa_padding);
    if (mctx == NULL) return fail();
    int status = CCRYPTO_ERROR;
    size_t length = 0;
    uint8_t *buffer = NULL;
    if (EVP_DigestSignUpdate(mctx, message, message_length) == 1
        && EVP_DigestSignFinal(mctx, NULL, &length) == 1
        && (buffer = OPENSSL_malloc(length)) != NULL
        && EVP_DigestSignFinal(mctx, buffer, &length) == 1) {
        *signature = buffer;
        *signature_length = length;
        status = CCRYPTO_OK;
    } else {
        OPENSSL_free(buffer);
    }
    EVP_MD_CTX_free(mctx);
    return status == CCRYPTO_OK ? status : fail();
}

static int verify(const ccrypto_key *key, const EVP_MD *md, const uint8_t *signer_id, size_t signer_id_length,
                  int rsa_padding, const uint8_t *message, size_t message_length,
                  const uint8_t *signature, size_t signature_length) {
    EVP_MD_CTX *mctx = begin(key, md, 0, signer_id, signer_id_length, rsa_padding);
    if (mctx == NULL) return fail();
    int valid = EVP_DigestVerifyUpdate(mctx, message, message_length) == 1
        && EVP_DigestVerifyFinal(mctx, signature, signature_length) == 1;
    EVP_MD_CTX_free(mctx);
    // A malformed signature (OpenSSL's negative result) is simply not a valid one.
    if (!valid) ERR_clear_error();
    return valid ? 1 : 0;
}

int ccrypto_sm2_sign(const ccrypto_key *key, const uint8_t *signer_id, size_t signer_id_length,
                     const uint8_t *message, size_t message_length,
                     uint8_t **signature, size_t *signature_length) {
    if (ccrypto_key_get_type(key) != CCRYPTO_KEY_SM2 || signer_id == NULL) return CCRYPTO_ERROR;
    return sign(key, EVP_sm3(), signer_id, signer_id_length, 0, message, message_length, signature, signature_length);
}

int ccrypto_sm2_verify(const ccrypto_key *key, const uint8_t *signer_id, size_t signer_id_length,
                       const uint8_t *message, size_t message_length,
                       const uint8_t *signature, size_t signature_length) {
    if (ccrypto_key_get_type(key) != CCRYPTO_KEY_SM2 || signer_id == NULL) return CCRYPTO_ERROR;
    return verify(key, EVP_sm3(), signer_id, signer_id_length, 0, message, message_length, signature, signature_length);
}

int ccrypto_rsa_sha256_sign(const ccrypto_key *key, const uint8_t *message, size_t message_length,
                            uint8_t **signature, size_t *signature_length) {
    if (ccrypto_key_get_type(key) != CCRYPTO_KEY_RSA) return CCRYPTO_ERROR;
    return sign(key, EVP_sha256(), NULL, 0, RSA_PKCS1_PADDING, message, message_length, signature, signature_length);
}

int ccrypto_rsa_sha256_verify(const ccrypto_key *key, const uint8_t *message, size_t message_length,
                              const uint8_t *signature, size_t signature_length) {
    if (ccrypto_key_get_type(key) != CCRYPTO_KEY_RSA) return CCRYPTO_ERROR;
    return verify(key, EVP_sha256(), NULL, 0, RSA_PKCS1_PADDING, message, message_length, signature, signature_length);
}
