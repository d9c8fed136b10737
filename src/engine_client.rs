//! The app's side of the [`Engine`]: loads bytes and answers questions about the loaded
//! traces. Calls are async so the engine can live off the main thread; this version runs
//! it in the page.

use std::rc::Rc;
use std::sync::Arc;

use tracescope_core::engine::{Engine, LoadInfo, SpanDetail};
use tracescope_core::filter::FilterError;
use tracescope_core::layout::model::WaterfallModel;
use tracescope_core::ImportError;

#[derive(Clone)]
pub struct EngineClient {
    engine: Rc<Engine>,
}

impl EngineClient {
    pub async fn load(bytes: Vec<u8>) -> Result<(EngineClient, LoadInfo), ImportError> {
        let engine = Engine::load(&bytes)?;
        let info = engine.info();
        Ok((
            EngineClient {
                engine: Rc::new(engine),
            },
            info,
        ))
    }

    pub async fn model(&self, trace: usize) -> Option<Arc<WaterfallModel>> {
        self.engine.model(trace).map(Arc::new)
    }

    pub async fn filter(&self, trace: usize, query: String) -> Result<Vec<bool>, FilterError> {
        self.engine.filter(trace, &query)
    }

    pub async fn span_detail(&self, trace: usize, span: u32) -> Option<SpanDetail> {
        self.engine.span_detail(trace, span)
    }
}
