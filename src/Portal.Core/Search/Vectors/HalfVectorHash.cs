using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.Search;

/// <summary>
/// The key that de-duplicates vectors within a generation: the first 16 bytes of SHA-256 over the
/// vector as pgvector stores a <c>halfvec</c> (<c>halfvec_send</c>: dims and an unused word as
/// big-endian int16, then each component as a big-endian IEEE half). Migration 0014 computes the
/// same in SQL, so vectors written before and after it meet under one key.
/// </summary>
internal static class HalfVectorHash
{
    public static byte[] Of(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[4 + 2 * vector.Length];
        BinaryPrimitives.WriteInt16BigEndian(bytes, checked((short)vector.Length));
        for (var i = 0; i < vector.Length; i++)
            BinaryPrimitives.WriteHalfBigEndian(bytes.AsSpan(4 + 2 * i), (Half)vector[i]);
        return SHA256.HashData(bytes)[..16];
    }
}
