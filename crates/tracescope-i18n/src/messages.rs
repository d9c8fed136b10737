//! The table. One entry per message: `Key { en: "…", zh: "…" }`. Group entries by the page
//! they appear on; keep keys descriptive (they show in tests and in `data-i18n` hooks).

use crate::Lang;

macro_rules! messages {
    ($($key:ident { en: $en:literal, zh: $zh:literal $(,)? })*) => {
        /// One user-visible message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            #[must_use]
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::ZhCn) => $zh,)*
                }
            }

            /// The variant's name, e.g. `"OpenFile"`.
            #[must_use]
            pub fn key(self) -> &'static str {
                match self { $(Msg::$key => stringify!($key),)* }
            }

            #[must_use]
            pub fn from_key(key: &str) -> Option<Msg> {
                match key { $(stringify!($key) => Some(Msg::$key),)* _ => None }
            }
        }
    };
}

/// Messages whose Chinese text is deliberately the same as the English (names, symbols).
#[cfg(test)]
pub(crate) const SAME_IN_BOTH: &[Msg] = &[Msg::Brand, Msg::DetailSpanId];

messages! {
    // App shell
    Brand { en: "tracescope", zh: "tracescope" }
    OpenFile { en: "Open trace file…", zh: "打开链路文件…" }
    DropHint {
        en: "Drop a trace file to open it (Zipkin v1/v2, Jaeger or OTLP JSON)",
        zh: "拖放链路文件即可打开（Zipkin v1/v2、Jaeger 或 OTLP JSON）",
    }
    ThemeLight { en: "☀ Light", zh: "☀ 浅色" }
    ThemeDark { en: "☾ Dark", zh: "☾ 深色" }
    ThemeTitle { en: "Light or dark theme", zh: "浅色或深色主题" }
    ApiTitle { en: "Zipkin API in use", zh: "当前使用的 Zipkin API" }
    ApiResolving { en: "resolving…", zh: "正在解析…" }
    Dismiss { en: "Dismiss", zh: "关闭" }
    Language { en: "Language", zh: "语言" }
    NavSearch { en: "Search", zh: "查询" }
    NavDependencies { en: "Dependencies", zh: "依赖" }
    NoTrace { en: "No trace to show.", zh: "没有可显示的链路。" }

    // Trace view: export menu
    ExportMenu { en: "Export ▾", zh: "导出 ▾" }
    ExportZipkin { en: "Trace as Zipkin v2 JSON", zh: "链路（Zipkin v2 JSON）" }
    ExportOriginal { en: "Original file", zh: "原始文件" }
    ExportPng { en: "Waterfall as PNG", zh: "瀑布图（PNG）" }
    ExportServicesCsv { en: "Service statistics (CSV)", zh: "服务统计（CSV）" }
    ExportOperationsCsv { en: "Operation statistics (CSV)", zh: "操作统计（CSV）" }
    CopyPermalink { en: "Copy permalink", zh: "复制永久链接" }
    LinkCopied { en: "Link copied ✓", zh: "链接已复制 ✓" }

    // Shared by several pages
    SpanCount { en: "{n} spans", zh: "{n} 个 Span" }
    ErrorCount { en: "{n} errors", zh: "{n} 个错误" }
    OneError { en: "1 error", zh: "1 个错误" }
    TraceCount { en: "{n} traces", zh: "{n} 条链路" }
    Service { en: "Service", zh: "服务" }
    SpanName { en: "Span name", zh: "Span 名称" }
    UnknownService { en: "(unknown service)", zh: "（未知服务）" }
    Unnamed { en: "(unnamed)", zh: "（未命名）" }
    Unknown { en: "(unknown)", zh: "（未知）" }
    Cancel { en: "Cancel", zh: "取消" }
    Close { en: "Close", zh: "关闭" }
    Save { en: "Save", zh: "保存" }
    Open { en: "Open", zh: "打开" }
    Logs { en: "Logs", zh: "日志" }
    SaveChartPng { en: "Save the chart as PNG", zh: "将图表保存为 PNG" }

    // Search page: query form
    AllServices { en: "All services", zh: "全部服务" }
    RemoteService { en: "Remote service", zh: "远程服务" }
    RemoteServiceHint { en: "Suggestions once a service is chosen", zh: "选择服务后提供候选项" }
    Any { en: "any", zh: "任意" }
    Tags { en: "Tags", zh: "标签" }
    MinDuration { en: "Min duration", zh: "最小耗时" }
    MaxDuration { en: "Max duration", zh: "最大耗时" }
    MinDurationExample { en: "e.g. 250ms", zh: "如 250ms" }
    MaxDurationExample { en: "e.g. 1.5s", zh: "如 1.5s" }
    TimeRange { en: "Time range", zh: "时间范围" }
    RangeFrom { en: "From", zh: "开始" }
    RangeTo { en: "To", zh: "结束" }
    Limit { en: "Limit", zh: "数量上限" }
    SearchButton { en: "Search", zh: "查询" }
    SearchAgain { en: "Search again", zh: "重新查询" }
    Last5Minutes { en: "Last 5 minutes", zh: "最近 5 分钟" }
    Last15Minutes { en: "Last 15 minutes", zh: "最近 15 分钟" }
    Last30Minutes { en: "Last 30 minutes", zh: "最近 30 分钟" }
    LastHour { en: "Last hour", zh: "最近 1 小时" }
    Last2Hours { en: "Last 2 hours", zh: "最近 2 小时" }
    Last6Hours { en: "Last 6 hours", zh: "最近 6 小时" }
    Last12Hours { en: "Last 12 hours", zh: "最近 12 小时" }
    LastDay { en: "Last day", zh: "最近 1 天" }
    Last2Days { en: "Last 2 days", zh: "最近 2 天" }
    Last7Days { en: "Last 7 days", zh: "最近 7 天" }
    LastDuration { en: "Last {duration}", zh: "最近 {duration}" }
    CustomRange { en: "Custom range…", zh: "自定义范围…" }
    SuggestionsUnavailable { en: "Suggestions unavailable: {error}", zh: "无法获取候选项：{error}" }
    DurationInvalid {
        en: "{text} is not a duration: {reason} (examples: 250us, 10ms, 1.5s, 2m)",
        zh: "{text} 不是有效的时长：{reason}（示例：250us、10ms、1.5s、2m）",
    }
    MaxNeedsMin {
        en: "A maximum duration needs a minimum duration too (Zipkin's rule).",
        zh: "设置最大耗时时也必须设置最小耗时（Zipkin 的规则）。",
    }
    MaxBelowMin { en: "The maximum duration is below the minimum.", zh: "最大耗时小于最小耗时。" }
    RangeEndBeforeStart {
        en: "The end of the time range must be after its start.",
        zh: "时间范围的结束时间必须晚于开始时间。",
    }
    RangeIncomplete {
        en: "Give both the start and the end of the time range.",
        zh: "请同时填写时间范围的开始和结束时间。",
    }
    LimitInvalid { en: "The limit must be a positive number, not {value}.", zh: "数量上限必须是正整数，而不是 {value}。" }

    // Search page: progress line
    Searching { en: "Searching… {what} ({seconds} s)", zh: "查询中… {what}（{seconds} 秒）" }
    SearchingShort { en: "Searching…", zh: "查询中…" }
    SearchWaiting { en: "waiting for the server", zh: "等待服务器响应" }
    SearchReceiving { en: "receiving {done}", zh: "已接收 {done}" }
    SearchReceivingOf { en: "receiving {done} of {total} ({percent} %)", zh: "已接收 {done} / {total}（{percent}%）" }
    SearchSummarising { en: "reading the answer", zh: "正在解析响应" }

    // Search page: results and filter
    NoSearchYet { en: "No search yet.", zh: "尚未查询。" }
    FilterResultsPlaceholder { en: "Filter results: id, service, span name…", zh: "筛选结果：ID、服务、Span 名称…" }
    FilterServiceTitle { en: "Only traces with this service", zh: "仅显示包含此服务的链路" }
    AnyService { en: "Any service", zh: "任意服务" }
    FilterMinPlaceholder { en: "min 10ms", zh: "最小 10ms" }
    FilterMaxPlaceholder { en: "max 2s", zh: "最大 2s" }
    ErrorsOnly { en: "Errors only", zh: "仅含错误" }
    SortTitle { en: "Order", zh: "排序" }
    SortNewest { en: "Newest first", zh: "最新优先" }
    SortOldest { en: "Oldest first", zh: "最早优先" }
    SortLongest { en: "Longest first", zh: "耗时最长优先" }
    SortShortest { en: "Shortest first", zh: "耗时最短优先" }
    SortMostSpans { en: "Most spans", zh: "Span 最多优先" }
    SortMostErrors { en: "Most errors", zh: "错误最多优先" }
    ResultCount { en: "{n} traces", zh: "{n} 条链路" }
    ResultCountOf { en: "{shown} of {total} traces", zh: "{shown} / {total} 条链路" }
    ResultCountErrors { en: " · {n} with errors", zh: " · {n} 条含错误" }
    ClearFilter { en: "Clear filter", zh: "清除筛选" }
    SelectedCount { en: "{n} selected", zh: "已选 {n} 条" }
    OpenAsTabs { en: "Open {n} as tabs", zh: "以标签页打开 {n} 条" }
    ClearSelection { en: "Clear selection", zh: "取消选择" }
    NoTracesMatch {
        en: "No traces match. Try a longer time range or fewer conditions.",
        zh: "没有匹配的链路。请尝试更长的时间范围或更少的条件。",
    }
    NoResultsPassFilter { en: "No results pass the filter.", zh: "没有结果通过筛选。" }
    SecondsAgo { en: "{n}s ago", zh: "{n} 秒前" }
    MinutesAgo { en: "{n}m ago", zh: "{n} 分钟前" }
    HoursAgo { en: "{n}h ago", zh: "{n} 小时前" }
    DaysAgo { en: "{n}d ago", zh: "{n} 天前" }
    RowSelectTitle { en: "Select to open several together", zh: "勾选以同时打开多条" }
    ClearTimeWindow { en: "Clear time window", zh: "清除时间窗口" }

    // Settings dialog and header
    SettingsButton { en: "⚙ Settings", zh: "⚙ 设置" }
    SettingsTitle { en: "Settings", zh: "设置" }
    ApiSettingsTitle { en: "API settings", zh: "API 设置" }
    EnvironmentTitle { en: "Environment (config.json)", zh: "环境（config.json）" }
    InEffect { en: "In effect: {root} (from {source})", zh: "当前生效：{root}（来自{source}）" }
    SourceFirstWins { en: "Source (first wins)", zh: "来源（靠前者优先）" }
    BaseColumn { en: "Base", zh: "地址" }
    SourceUrlParameter { en: "?api= parameter", zh: "?api= 参数" }
    SourceConfigFile { en: "config.json", zh: "config.json 文件" }
    SourceSaved { en: "saved setting", zh: "已保存的设置" }
    SourceSameOrigin { en: "same origin", zh: "同源" }
    ApiBaseLabel { en: "API base URL (saved in this browser)", zh: "API 基础地址（保存在此浏览器中）" }
    ApiBasePlaceholder { en: "http://127.0.0.1:9411 or /zipkin", zh: "http://127.0.0.1:9411 或 /zipkin" }
    ApiBaseHint {
        en: "Zipkin: http://host:9411 · behind a prefix or SkyWalking's Zipkin query module: http://host:port/zipkin",
        zh: "Zipkin：http://host:9411 · 带路径前缀或使用 SkyWalking 的 Zipkin 查询模块：http://host:port/zipkin",
    }
    RequestTimeout { en: "Request timeout (seconds)", zh: "请求超时（秒）" }
    ServerConfigLoaded { en: "The server's config.json was read.", zh: "已读取服务器的 config.json。" }
    ServerConfigMissing {
        en: "The server has no config.json: Zipkin's defaults apply.",
        zh: "服务器没有 config.json：使用 Zipkin 默认值。",
    }
    ServerConfigFailed { en: "The server's config.json could not be read: {error}", zh: "无法读取服务器的 config.json：{error}" }
    ErrorRatesNote {
        en: "Dependency error rates: low {low}, high {high} (config.json dependency.lowErrorRate / highErrorRate).",
        zh: "依赖错误率阈值：低 {low}，高 {high}（config.json 中的 dependency.lowErrorRate / highErrorRate）。",
    }
    TestConnection { en: "Test connection", zh: "测试连接" }
    Testing { en: "Testing…", zh: "测试中…" }
    ConnectionOk {
        en: "Connected to {root}: {n} services, answered in {ms} ms.",
        zh: "已连接 {root}：{n} 个服务，响应耗时 {ms} ms。",
    }
    ClearSaved { en: "Clear saved", zh: "清除已保存" }
    SavedUrlWins {
        en: "Saved. The ?api= parameter still takes precedence on this page.",
        zh: "已保存。在此页面上 ?api= 参数仍然优先。",
    }
    SavedConfigWins {
        en: "Saved. This deployment's config.json still takes precedence.",
        zh: "已保存。此部署的 config.json 仍然优先。",
    }
    SavedApplied { en: "Saved and applied.", zh: "已保存并应用。" }
    SavedCleared { en: "Saved base cleared.", zh: "已清除保存的地址。" }

    // Error panel
    ErrorUnreachable {
        en: "Could not reach {url}: network error (is the server running and the address right?)",
        zh: "无法访问 {url}：网络错误（服务器是否在运行、地址是否正确？）",
    }
    ErrorCors {
        en: "The server at {url} answered, but did not allow this page's origin ({origin}) to read it (CORS). Allow it on the server: for Zipkin set ZIPKIN_QUERY_ALLOWED_ORIGINS={origin} (or *).",
        zh: "{url} 的服务器已响应，但不允许本页面的源（{origin}）读取响应（CORS）。请在服务器上放行：Zipkin 可设置 ZIPKIN_QUERY_ALLOWED_ORIGINS={origin}（或 *）。",
    }
    ErrorHttp { en: "HTTP {status} from {url}", zh: "{url} 返回 HTTP {status}" }
    ErrorHttpBody { en: "HTTP {status} from {url}: {body}", zh: "{url} 返回 HTTP {status}：{body}" }
    ErrorImport { en: "Could not read {source}: {error}", zh: "无法读取 {source}：{error}" }
    ErrorJson { en: "Unexpected answer from {url}: {message}", zh: "{url} 的响应不符合预期：{message}" }
    ErrorFile { en: "Could not open {name}: {message}", zh: "无法打开 {name}：{message}" }
    ErrorTimeout {
        en: "No answer from {url} within {seconds} s (or no more data for that long): the request timed out. Narrow the search (shorter lookback, lower limit) or raise the timeout in the settings.",
        zh: "{url} 在 {seconds} 秒内没有响应（或在这段时间内没有更多数据）：请求超时。请缩小查询范围（更短的时间范围、更小的数量上限），或在设置中调大超时时间。",
    }
    ErrorCancelled { en: "The request was cancelled.", zh: "请求已取消。" }
    ErrorParam {
        en: "URL parameter {param}={value} was ignored: expected one of {expected}",
        zh: "已忽略 URL 参数 {param}={value}：可选值为 {expected}",
    }
    ErrorClipboard {
        en: "The browser did not allow copying the link; here it is: {link}",
        zh: "浏览器不允许复制链接，请手动复制：{link}",
    }
    ErrorEngine {
        en: "Could not load {source}: the trace engine stopped ({message}). The trace may be too large for this browser tab.",
        zh: "无法加载 {source}：链路引擎已停止（{message}）。该链路可能太大，超出了此浏览器标签页的承受能力。",
    }
    ImportEmpty { en: "the input is empty", zh: "输入为空" }
    JsonAt { en: "{message} (line {line}, column {column})", zh: "{message}（第 {line} 行，第 {column} 列）" }
    BodyUnreadable { en: "the body could not be read: {error}", zh: "无法读取响应体：{error}" }
    ImportInvalid {
        en: "{format}: {message} at {path} (line {line}, column {column}, byte offset {offset})",
        zh: "{format}：{path} 处有误：{message}（第 {line} 行，第 {column} 列，字节偏移 {offset}）",
    }
    ImportUnrecognised {
        en: "not a trace file: expected JSON (Zipkin, Jaeger or OTLP), but {seen}",
        zh: "不是链路文件：应为 JSON（Zipkin、Jaeger 或 OTLP），实际情况：{seen}",
    }
    ImportNoSpans { en: "{format}: the input holds no spans", zh: "{format}：输入中没有 Span" }

    // Loading progress
    LoadingWhat { en: "Loading {what}", zh: "正在加载 {what}" }
    TraceLabel { en: "trace {id}", zh: "链路 {id}" }
    StageStarting { en: "Starting", zh: "准备中" }
    StageReading { en: "Reading", zh: "读取中" }
    StageParsing { en: "Parsing", zh: "解析中" }
    StageDeriving { en: "Deriving", zh: "分析中" }
    StageBuilding { en: "Building view", zh: "构建视图" }
    BytesOf { en: "{done} of {total}", zh: "{done} / {total}" }
    TraceNofM { en: "Trace {n} of {count}", zh: "第 {n} 条链路，共 {count} 条" }
    DerivingTraceNofM { en: "trace {n} of {count}", zh: "第 {n} / {count} 条链路" }

    // Trace view: header
    LoadingTrace { en: "Loading trace…", zh: "正在加载链路…" }
    NoTraceLoaded { en: "No trace loaded.", zh: "未加载链路。" }
    BackToSearch { en: "← Search", zh: "← 查询" }
    StatTraceId { en: "Trace ID", zh: "链路 ID" }
    StatStart { en: "Start", zh: "开始时间" }
    StatDuration { en: "Duration", zh: "耗时" }
    StatSpans { en: "Spans", zh: "Span 数" }
    StatServices { en: "Services", zh: "服务" }
    StatDepth { en: "Depth", zh: "深度" }
    StatErrors { en: "Errors", zh: "错误" }
    StatWarnings { en: "Warnings", zh: "警告" }
    StatFormat { en: "Format", zh: "格式" }
    ListWarningsTitle { en: "List the warnings", zh: "列出警告" }
    AndNMore { en: "… and {n} more", zh: "… 还有 {n} 项" }
    Colon { en: ": ", zh: "：" }
    WarnDuplicateMerged { en: "duplicate merged", zh: "重复上报已合并" }
    WarnMissingParent { en: "missing parent", zh: "缺少父 Span" }
    WarnCycleBroken { en: "cycle broken", zh: "已断开循环引用" }
    WarnMissingTimestamp { en: "missing timestamp", zh: "缺少时间戳" }
    WarnMissingDuration { en: "missing duration", zh: "缺少耗时" }
    WarnMultipleRoots { en: "multiple roots", zh: "存在多个根 Span" }
    TabTimeline { en: "Timeline", zh: "时间线" }
    NameColumnHeader { en: "Service · span", zh: "服务 · Span" }

    // Trace view: waterfall toolbar
    TraceFilterPlaceholder {
        en: "Filter: service:api  http.status_code=500  dur>10ms  is:error   ( / )",
        zh: "筛选：service:api  http.status_code=500  dur>10ms  is:error   （ / ）",
    }
    FilterModeTitle { en: "How non-matching spans are shown", zh: "不匹配的 Span 如何显示" }
    FilterDimOthers { en: "Dim others", zh: "淡化其余" }
    FilterOnlyMatches { en: "Only matches", zh: "仅显示匹配" }
    FilterInvalid { en: "{message} (at character {at})", zh: "{message}（第 {at} 个字符处）" }
    OneMatch { en: "1 match", zh: "1 个匹配" }
    MatchCount { en: "{n} matches", zh: "{n} 个匹配" }
    PrevMatchTitle { en: "Previous match (N)", zh: "上一个匹配（N）" }
    NextMatchTitle { en: "Next match (n)", zh: "下一个匹配（n）" }
    CollapseAll { en: "Collapse all", zh: "全部折叠" }
    ExpandAll { en: "Expand all", zh: "全部展开" }
    DepthTitle { en: "Show this many levels", zh: "显示的层级数" }
    DepthPlaceholder { en: "Depth…", zh: "层级…" }
    DepthLevels { en: "{n} levels", zh: "{n} 层" }
    CollapseShorterPlaceholder { en: "collapse < 1ms", zh: "折叠 < 1ms" }
    CollapseShorterTitle {
        en: "Collapse every subtree shorter than this (e.g. 500us, 2ms)",
        zh: "折叠耗时短于此值的所有子树（如 500us、2ms）",
    }
    CriticalPath { en: "Critical path", zh: "关键路径" }
    SkewCorrection { en: "Skew correction", zh: "时钟偏差校正" }
    SkewTitle {
        en: "Clock-skew correction: moves server spans inside their clients ({n} spans moved)",
        zh: "时钟偏差校正：将服务端 Span 移入其客户端 Span 的时间范围内（已移动 {n} 个 Span）",
    }
    ResetZoom { en: "Reset zoom", zh: "重置缩放" }
    ShortcutsTitle { en: "Keyboard shortcuts (?)", zh: "键盘快捷键（?）" }
    WholeTrace { en: "← Whole trace", zh: "← 完整链路" }
    FocusedOn { en: "Focused on ", zh: "聚焦于 " }
    SpanTooltip {
        en: "{service} · {name}\nduration {duration} · starts at +{start} · self {self}",
        zh: "{service} · {name}\n耗时 {duration} · 开始于 +{start} · 自身耗时 {self}",
    }

    // Trace view: keyboard shortcuts dialog
    ShortcutsHeading { en: "Keyboard shortcuts", zh: "键盘快捷键" }
    KeySelectPrevNext { en: "Select previous / next span", zh: "选择上一个 / 下一个 Span" }
    KeyCollapseExpand { en: "Collapse / expand the selected span", zh: "折叠 / 展开选中的 Span" }
    KeyPan { en: "Pan the time axis", zh: "平移时间轴" }
    KeyZoomInOut { en: "Zoom in / out", zh: "放大 / 缩小" }
    KeyCtrlWheel { en: "Ctrl+wheel", zh: "Ctrl+滚轮" }
    KeyZoomAtPointer { en: "Zoom at the pointer", zh: "以指针位置为中心缩放" }
    KeyShiftWheelDrag { en: "Shift+wheel, drag", zh: "Shift+滚轮、拖动" }
    KeyPanShort { en: "Pan", zh: "平移" }
    KeyDragRuler { en: "Drag on the ruler or minimap", zh: "在标尺或缩略图上拖动" }
    KeyZoomRange { en: "Zoom into a time range", zh: "放大到某个时间范围" }
    KeyScroll { en: "Scroll", zh: "滚动" }
    KeyFocusFilter { en: "Focus the filter", zh: "聚焦筛选框" }
    KeyNextPrevMatch { en: "Next / previous match", zh: "下一个 / 上一个匹配" }
    KeyFocusSubtree { en: "Focus the selected subtree", zh: "聚焦选中的子树" }
    KeyBackToWhole { en: "Back to the whole trace", zh: "返回完整链路" }
    KeyToggleCritical { en: "Toggle the critical path", zh: "显示 / 隐藏关键路径" }
    KeyClearFilter { en: "Clear the filter, then the selection", zh: "先清除筛选，再取消选择" }
    KeyShowHide { en: "Show or hide this list", zh: "显示或隐藏此列表" }

    // Trace view: span detail panel
    CloseEsc { en: "Close (Esc)", zh: "关闭（Esc）" }
    FocusSubtree { en: "Focus subtree", zh: "聚焦子树" }
    FocusSubtreeTitle { en: "Show only this subtree (f)", zh: "只显示此子树（f）" }
    Copy { en: "copy", zh: "复制" }
    CopyTitle { en: "Copy to the clipboard", zh: "复制到剪贴板" }
    ErrorBadge { en: "error", zh: "错误" }
    DetailSpanId { en: "Span ID", zh: "Span ID" }
    DetailParentId { en: "Parent ID", zh: "父 Span ID" }
    DetailKind { en: "Kind", zh: "类型" }
    KindLocal { en: "local", zh: "本地" }
    KindShared { en: " (shared)", zh: "（共享）" }
    DetailLocal { en: "Local", zh: "本地端点" }
    DetailRemote { en: "Remote", zh: "远程端点" }
    SelfTime { en: "Self time", zh: "自身耗时" }
    DetailChildren { en: "Children", zh: "子 Span 数" }
    DetailStatus { en: "Status", zh: "状态" }
    DetailScope { en: "Scope", zh: "插桩库" }
    DetailClockSkew { en: "Clock skew", zh: "时钟偏差" }
    SkewMovedLater { en: "moved {d} later by clock-skew correction", zh: "时钟偏差校正后推迟了 {d}" }
    SkewMovedEarlier { en: "moved {d} earlier by clock-skew correction", zh: "时钟偏差校正后提前了 {d}" }
    DetailTags { en: "Tags ({n})", zh: "标签（{n}）" }
    DetailAnnotations { en: "Annotations ({n})", zh: "注解（{n}）" }
    DetailLinks { en: "Links ({n})", zh: "关联（{n}）" }
    DetailResource { en: "Resource", zh: "资源" }
    DetailRawSpan { en: "Raw span (Zipkin v2 JSON)", zh: "原始 Span（Zipkin v2 JSON）" }

    // Dependency page and the trace's services tab
    DependencyTotals {
        en: "{services} services · {links} links · {calls} calls",
        zh: "{services} 个服务 · {links} 条依赖 · {calls} 次调用",
    }
    DependencySource { en: "Source", zh: "数据来源" }
    DependencySourceApi { en: "Zipkin API (time range)", zh: "Zipkin API（按时间范围）" }
    DependencySourceSearch { en: "Current search results ({n} traces)", zh: "当前查询结果（{n} 条链路）" }
    FetchAgain { en: "Fetch again", zh: "重新获取" }
    Loading { en: "Loading…", zh: "加载中…" }
    Refresh { en: "Refresh", zh: "刷新" }
    FilterServices { en: "Filter services", zh: "筛选服务" }
    NameContains { en: "name contains…", zh: "名称包含…" }
    MinCalls { en: "Min calls", zh: "最少调用次数" }
    Highlight { en: "Highlight", zh: "高亮范围" }
    HighlightTitle {
        en: "How far the selection's callers and callees are highlighted",
        zh: "高亮所选服务的上下游到第几跳",
    }
    OneHop { en: "1 hop", zh: "1 跳" }
    HopCount { en: "{n} hops", zh: "{n} 跳" }
    Range { en: "Range", zh: "时间范围" }
    Ending { en: "Ending", zh: "截止时间" }
    EndingTitle { en: "Empty: now", zh: "留空表示现在" }
    LegendErrorsBelow { en: "errors < {percent}%", zh: "错误率 < {percent}%" }
    LegendTitle {
        en: "Edge colour by error rate (config.json dependency.lowErrorRate / highErrorRate)",
        zh: "连线颜色表示错误率（config.json 中的 dependency.lowErrorRate / highErrorRate）",
    }
    SelectTitle { en: "Select", zh: "选中" }
    CallsIn { en: "Calls in", zh: "入向调用" }
    ErrorsIn { en: "Errors in", zh: "入向错误" }
    CallsOut { en: "Calls out", zh: "出向调用" }
    ErrorsOut { en: "Errors out", zh: "出向错误" }
    CalledBy { en: "Called by", zh: "调用方" }
    Calls { en: "Calls", zh: "被调用方" }
    SearchTracesOfService { en: "Search traces of this service", zh: "查询此服务的链路" }
    NoCallsInTrace { en: "No calls between services in this trace.", zh: "此链路中没有服务间调用。" }
    OneCall { en: "1 call", zh: "1 次调用" }
    CallCount { en: "{n} calls", zh: "{n} 次调用" }
    ZoomIn { en: "Zoom in", zh: "放大" }
    ZoomOut { en: "Zoom out", zh: "缩小" }
    Fit { en: "Fit", zh: "适应窗口" }
    FitTitle { en: "Fit to screen", zh: "适应屏幕" }
    SaveGraphPng { en: "Save the graph as PNG", zh: "将依赖图保存为 PNG" }
    GraphEdgeCard {
        en: "{parent} → {child}\n{calls} calls · {errors} errors ({rate}%)",
        zh: "{parent} → {child}\n{calls} 次调用 · {errors} 个错误（{rate}%）",
    }
    GraphNodeCard {
        en: "{service}\n{calls_in} calls in · {errors_in} errors\n{calls_out} calls out · {errors_out} errors",
        zh: "{service}\n入向 {calls_in} 次调用 · {errors_in} 个错误\n出向 {calls_out} 次调用 · {errors_out} 个错误",
    }
}
