using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OrderRunId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RunId",
                table: "orders",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RunId",
                table: "orders");
        }
    }
}
