//! Renderers: people (ariadne), machines (JSON, SARIF 2.1.0).
