//! placeholder
#[derive(clap::Args)]
pub struct ServeArgs {}
pub fn serve(_args: ServeArgs) -> u8 {
    0
}
