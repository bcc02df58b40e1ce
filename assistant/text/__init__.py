"""Text helpers shared by answers, verification and review: sentence boundaries."""
