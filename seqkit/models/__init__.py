"""Model builders shared by tasks: image encoder, caption decoders."""
