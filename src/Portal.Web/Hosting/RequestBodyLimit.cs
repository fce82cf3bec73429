using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Portal.Web.Hosting;

/// <summary>
/// Enforces the body size limit in the app itself (Kestrel enforces it too): a declared length over
/// the limit is refused before reading, and a chunked body is cut off once it passes the limit.
/// Endpoints that take uploads declare their own limit with <c>WithMetadata(new RequestSizeLimitAttribute(n))</c>.
/// </summary>
internal static class RequestBodyLimit
{
    public static IApplicationBuilder UsePortalRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                ?? http.RequestServices.GetRequiredService<IOptions<PortalWebOptions>>().Value.MaxRequestBodyBytes;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel) kestrel.MaxRequestBodySize = limit;
            if (http.Request.ContentLength > limit) throw TooLarge();
            if (http.Request.ContentLength is null && limit is { } max)
                http.Request.Body = new LimitedStream(http.Request.Body, max);
            await next();
        });

    internal static BadHttpRequestException TooLarge() => new("The request body is too large.", StatusCodes.Status413PayloadTooLarge);

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw TooLarge() : n;
        }
    }
}
