using Portal.Data;

namespace Portal.Tests.Data;

public sealed class SnakeCaseColumnsTests
{
    [Theory]
    [InlineData("TenantId", "tenant_id")]
    [InlineData("Id", "id")]
    [InlineData("NormalizedUserName", "normalized_user_name")]
    [InlineData("SecretHash", "secret_hash")]
    [InlineData("HTMLBody", "html_body")]
    [InlineData("PageCount", "page_count")]
    public void Property_names_become_the_migrations_column_names(string property, string column) =>
        SnakeCaseColumns.ToSnakeCase(property).ShouldBe(column);
}
