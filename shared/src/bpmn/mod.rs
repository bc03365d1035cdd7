//! BPMN 2.0 exchange.
