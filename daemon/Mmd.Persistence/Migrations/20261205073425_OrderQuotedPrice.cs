using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OrderQuotedPrice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "QuotedPrice",
                table: "orders",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "QuotedPrice",
                table: "orders");
        }
    }
}
